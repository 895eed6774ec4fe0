package io.postwarden.audit.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.postwarden.audit.identity.ClientIdentifier;
import io.postwarden.audit.identity.CommandLineRedactor;
import io.postwarden.audit.identity.IdentityMetrics;
import io.postwarden.audit.log.AuditLog;
import io.postwarden.audit.log.AuditRecords;
import io.postwarden.audit.log.AuditTrail;
import io.postwarden.core.policy.Decision;
import io.postwarden.core.policy.SmtpReply;
import io.postwarden.core.policy.Verdict;
import io.postwarden.core.testing.TestTransaction;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
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
 * The guard at MAIL on its own: which clients it refuses, with which reply, and what it leaves
 * behind.
 */
class GuardPolicyTest {

  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-03-01T12:00:00Z"), ZoneOffset.UTC);
  private static final SmtpReply REPLY = new SmtpReply(550, "5.7.1", "Log in first");

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final ByteArrayOutputStream written = new ByteArrayOutputStream();
  private final AuditTrail trail =
      new AuditTrail(
          AuditLog.toStream(new PrintStream(written, true, StandardCharsets.US_ASCII)),
          new AuditRecords(CLOCK));
  // this host's one interface address besides loopback, as a server's public address
  private final LocalAddresses ownAddresses =
      new LocalAddresses(() -> Set.of(address("198.51.100.1")), Duration.ofSeconds(5), CLOCK);
  private final GuardPolicy guard =
      new GuardPolicy(
          new GuardRules(false, List.of(), Set.of(), REPLY),
          new ClientIdentifier(
              ownAddresses,
              Optional.empty(),
              Optional.empty(),
              new CommandLineRedactor(true, List.of()),
              new IdentityMetrics(registry)),
          trail,
          new GuardMetrics(registry));

  private static InetAddress address(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private double decisions(String decision, String client) {
    var counter =
        registry
            .find("postwarden.guard.decisions")
            .tags("decision", decision, "client", client)
            .counter();
    return counter == null ? 0 : counter.count();
  }

  /** Closes the trail (its writer is asynchronous) and returns every record written. */
  private List<String> records() {
    trail.close();
    String text = written.toString(StandardCharsets.US_ASCII);
    return text.isEmpty() ? List.of() : List.of(text.split("\n"));
  }

  @Test
  void aClientAtTheServersOwnNonLoopbackAddressIsRefusedWithTheConfiguredReply() {
    TestTransaction tx = TestTransaction.from("app@shop.example").client("198.51.100.1", 40000);

    Decision decision = guard.onMail(tx);

    assertEquals(Verdict.REJECT, decision.verdict());
    assertEquals(REPLY, decision.reply());
    assertEquals(Optional.of(GuardDecision.REFUSED), tx.attributes().get(GuardDecision.class));
    assertEquals(1, decisions("refused", "local_tcp"));
    List<String> records = records();
    assertEquals(1, records.size(), records::toString);
    assertTrue(
        records.get(0).contains("\"event\":\"refuse\"")
            && records.get(0).contains("\"local\":true")
            && records.get(0).contains("\"client\":\"198.51.100.1:40000\""),
        records.get(0));
  }

  @Test
  void aRemoteClientPassesAndLeavesOnlyTheDecisionForTheAuditRecord() {
    TestTransaction tx = TestTransaction.from("ann@outside.example").client("203.0.113.9", 40000);

    assertEquals(Decision.CONTINUE, guard.onMail(tx));
    assertEquals(Optional.of(GuardDecision.NOT_LOCAL), tx.attributes().get(GuardDecision.class));
    assertEquals(1, decisions("not_local", "remote"));
    assertEquals(
        List.of(),
        records(),
        "a refusal record only for refusals; the audit tags write accepted mail");
  }

  @Test
  void aLoginAtMailLetsTheServersOwnAddressThrough() {
    TestTransaction tx =
        TestTransaction.from("alice@shop.example")
            .client("198.51.100.1", 40000)
            .authenticatedAs("alice");

    assertEquals(Decision.CONTINUE, guard.onMail(tx));
    assertEquals(
        Optional.of(GuardDecision.AUTHENTICATED), tx.attributes().get(GuardDecision.class));
    assertEquals(1, decisions("authenticated", "local_tcp"));
  }
}
