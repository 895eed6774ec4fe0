package io.postwarden.srs.policy;

import static org.junit.jupiter.api.Assertions.*;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.postwarden.core.policy.Decision;
import io.postwarden.core.policy.Modification.ChangeSender;
import io.postwarden.core.testing.TestTransaction;
import io.postwarden.srs.codec.SrsCodec;
import io.postwarden.srs.codec.SrsConfig;
import io.postwarden.srs.codec.SrsSecrets;
import io.postwarden.srs.domains.OurDomains;
import io.postwarden.srs.lazy.LazySrs;
import io.postwarden.srs.longsender.LongSenders;
import io.postwarden.srs.routing.DomainRouting;
import io.postwarden.srs.spf.SpfResult;
import io.postwarden.srs.spf.SpfVerdicts;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Lazy SRS in the SRS policy: asked only for mail that would be rewritten, and only a pass keeps
 * the sender.
 */
class SrsPolicyLazyTest {

  private static final String SRS_DOMAIN = "srs.test.example";
  private static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<String> asked = new ArrayList<>();
  private SpfResult answer = SpfResult.PASS;

  private SrsPolicy policy() throws Exception {
    InetAddress outbound = InetAddress.getByName("198.51.100.25");
    LazySrs lazy =
        new LazySrs(
            (sender, clients) -> {
              asked.add(sender);
              return new SpfVerdicts(Map.of(outbound, answer), Duration.ZERO, false);
            },
            List.of(outbound),
            10,
            Clock.fixed(NOW, ZoneOffset.UTC),
            registry);
    SrsCodec codec =
        new SrsCodec(
            SrsConfig.defaults(
                SrsSecrets.of(List.of("tops3cr3t-tops3cr3t".getBytes(StandardCharsets.US_ASCII)))),
            Clock.fixed(NOW, ZoneOffset.UTC));
    OurDomains ours = new OurDomains(List.of("test.example", SRS_DOMAIN));
    SrsRules rules =
        new SrsRules(
            () -> SrsDomains.of(SRS_DOMAIN),
            true,
            () -> codec,
            () -> ours,
            new GuessThrottle(
                new GuessThrottle.Settings(5, Duration.ofMinutes(10), Duration.ofMinutes(15), 10),
                Clock.fixed(NOW, ZoneOffset.UTC)),
            new SrsMetrics(registry),
            LongSenders.skip());
    return new SrsPolicy(
        new SrsPolicy.Settings(SRS_DOMAIN, false, true, true),
        rules,
        new DomainRouting(() -> ours),
        Optional.of(lazy));
  }

  private static Optional<String> newSender(Decision decision) {
    return decision.modifications().stream()
        .filter(ChangeSender.class::isInstance)
        .map(m -> ((ChangeSender) m).address())
        .findFirst();
  }

  @Test
  void aSenderWhoseSpfPassesHereKeepsItsAddress() throws Exception {
    Decision decision =
        policy().onEndOfMessage(TestTransaction.from("ann@spf-ok.example").to("carol@far.example"));
    assertEquals(Optional.empty(), newSender(decision));
    assertEquals(List.of("ann@spf-ok.example"), asked);
    assertEquals(
        1, registry.get("postwarden.srs.forward").tag("result", "skipped").counter().count());
    assertEquals(1, registry.get("postwarden.srs.lazy.skipped").counter().count());
  }

  @Test
  void anythingButPassIsRewritten() throws Exception {
    answer = SpfResult.TEMPERROR;
    Decision decision =
        policy()
            .onEndOfMessage(TestTransaction.from("ann@dns-down.example").to("carol@far.example"));
    assertTrue(newSender(decision).orElseThrow().startsWith("SRS0="));
    assertEquals(0, registry.get("postwarden.srs.lazy.skipped").counter().count());
  }

  @Test
  void spfIsNotAskedForMailThatWouldKeepItsSenderAnyway() throws Exception {
    SrsPolicy policy = policy();
    policy.onEndOfMessage(TestTransaction.from("ann@outside.example").to("bob@test.example"));
    policy.onEndOfMessage(TestTransaction.from("").to("carol@far.example"));
    policy.onEndOfMessage(TestTransaction.from("www@test.example").to("carol@far.example"));
    assertEquals(List.of(), asked, "local delivery, null sender, our own domain: no DNS");
  }
}
