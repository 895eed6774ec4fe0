package io.postwarden.audit.tag;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.postwarden.audit.guard.GuardDecision;
import io.postwarden.audit.guard.LocalAddresses;
import io.postwarden.audit.identity.ClientIdentifier;
import io.postwarden.audit.identity.CommandLineRedactor;
import io.postwarden.audit.identity.IdentityMetrics;
import io.postwarden.audit.log.AuditLog;
import io.postwarden.audit.log.AuditRecords;
import io.postwarden.audit.log.AuditTrail;
import io.postwarden.core.policy.Decision;
import io.postwarden.core.policy.Modification;
import io.postwarden.core.policy.Modification.AddHeader;
import io.postwarden.core.policy.Modification.ChangeHeader;
import io.postwarden.core.testing.TestTransaction;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The audit tags at end of message on their own: our headers out, one of ours in, and the record it
 * names.
 */
class AuditPolicyTest {

  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-03-01T12:00:00Z"), ZoneOffset.UTC);

  private final ByteArrayOutputStream written = new ByteArrayOutputStream();
  private final AuditPolicy audit =
      new AuditPolicy(
          new ClientIdentifier(
              new LocalAddresses(Set::of, Duration.ofSeconds(5), CLOCK),
              Optional.empty(),
              Optional.empty(),
              new CommandLineRedactor(true, List.of()),
              new IdentityMetrics(new SimpleMeterRegistry())),
          Optional.empty(),
          new AuditHeader(AuditHeader.Detail.MINIMAL),
          new AuditTrail(
              AuditLog.toStream(new PrintStream(written, true, StandardCharsets.US_ASCII)),
              new AuditRecords(CLOCK)));

  @Test
  void forgedCopiesGoAndOurHeaderNamesTheRecordWithTheGuardsDecision() {
    TestTransaction tx =
        TestTransaction.from("ann@outside.example")
            .to("bob@test.example")
            .client("203.0.113.9", 40000)
            .header("X-Postwarden-Audit", "id=FORGEDFORGEDFORG; sasl=ceo")
            .header("Subject", "hi")
            .header("x-postwarden-audit", "id=SECOND")
            .header("X-Postwarden-Process", "pid=1");
    tx.attributes().put(GuardDecision.class, GuardDecision.NOT_LOCAL);

    Decision decision = audit.onEndOfMessage(tx);

    List<Modification> changes = decision.modifications();
    assertEquals(
        List.of(
            ChangeHeader.delete("x-postwarden-audit", 2),
            ChangeHeader.delete("X-Postwarden-Audit", 1),
            ChangeHeader.delete("X-Postwarden-Process", 1)),
        changes.subList(0, 3));
    assertEquals(4, changes.size(), changes::toString);
    AddHeader added = (AddHeader) changes.get(3);
    assertEquals(AuditHeader.NAME, added.name());
    assertTrue(added.value().matches("id=[0-9A-Z]{16}; via=smtp"), added.value());
    String id = added.value().substring(3, 19);

    audit.close();
    String record = written.toString(StandardCharsets.US_ASCII).trim();
    assertTrue(
        record.contains("\"event\":\"accept\"") && record.contains("\"audit_id\":\"" + id + "\""),
        record);
    assertTrue(
        record.contains("\"decision\":\"not_local\"")
            && record.contains("\"time\":\"2026-03-01T12:00:00Z\""),
        record);
  }
}
