package io.postwarden.core.module;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.postwarden.core.policy.Modification;
import io.postwarden.core.policy.Policy;
import io.postwarden.core.policy.Stage;
import io.postwarden.core.testing.ScriptedPolicy;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ChainBuilderTest {

  private final ChainBuilder chain = new ChainBuilder(new SimpleMeterRegistry());

  /** A policy holding a resource, as the audit tags hold the audit log. */
  static final class Holding implements Policy, AutoCloseable {
    boolean closed;

    @Override
    public String name() {
      return "audit";
    }

    @Override
    public Set<Stage> stages() {
      return Set.of();
    }

    @Override
    public Set<Modification.Capability> capabilities() {
      return Set.of();
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  @Test
  void policiesRunByPlaceWhateverOrderTheModulesAddThem() {
    chain.add(ChainBuilder.Place.RECORD, new ScriptedPolicy("audit"));
    chain.add(ChainBuilder.Place.REWRITE, new ScriptedPolicy("srs"));
    chain.add(ChainBuilder.Place.COUNT, new ScriptedPolicy("limits"));
    chain.add(ChainBuilder.Place.REWRITE, new ScriptedPolicy("from-repair"));
    chain.add(ChainBuilder.Place.GUARD, new ScriptedPolicy("guard"));
    assertEquals(
        List.of("guard", "srs", "from-repair", "limits", "audit"),
        chain.policies().stream().map(Policy::name).toList());
  }

  @Test
  void aPartIsSharedWithLaterModulesAndMissingOneIsAnError() {
    assertThrows(IllegalStateException.class, () -> chain.shared(StringBuilder.class));
    StringBuilder part = new StringBuilder();
    chain.share(StringBuilder.class, part);
    assertSame(part, chain.shared(StringBuilder.class));
  }

  @Test
  void abandoningClosesWhatThePoliciesHold() {
    Holding audit = new Holding();
    chain.add(ChainBuilder.Place.RECORD, audit);
    chain.add(ChainBuilder.Place.REWRITE, new ScriptedPolicy("srs"));
    assertFalse(audit.closed);
    chain.abandon();
    assertTrue(audit.closed);
  }
}
