package io.postwarden.limits;

import static io.postwarden.limits.LimitsPolicyTest.authenticated;
import static io.postwarden.limits.LimitsPolicyTest.rules;
import static io.postwarden.limits.LimitsPolicyTest.send;
import static io.postwarden.limits.LimitsPolicyTest.sendmail;
import static org.junit.jupiter.api.Assertions.*;

import io.lettuce.core.RedisURI;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.postwarden.audit.guard.LocalAddresses;
import io.postwarden.audit.identity.ClientIdentifier;
import io.postwarden.audit.identity.CommandLineRedactor;
import io.postwarden.audit.identity.IdentityMetrics;
import io.postwarden.core.policy.Decision;
import io.postwarden.core.policy.Modification;
import io.postwarden.core.policy.Verdict;
import io.postwarden.core.testing.MutableClock;
import io.postwarden.core.testing.TestTransaction;
import io.postwarden.limits.key.KeyKind;
import io.postwarden.limits.key.LimitKey;
import io.postwarden.limits.redis.RedisCounterStore;
import io.postwarden.limits.rule.RuleTable;
import io.postwarden.limits.store.FailoverCounterStore;
import io.postwarden.limits.store.FailoverCounterStore.WhenUnavailable;
import io.postwarden.limits.store.LocalCounterStore;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A Redis that nobody answers on (connection refused): what each limits-redis-unavailable setting
 * does.
 */
class RedisDownTest {

  final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final LimitsMetrics metrics = new LimitsMetrics(registry);
  final ClientIdentifier identifier =
      new ClientIdentifier(
          new LocalAddresses(Set::of, Duration.ofHours(1), clock),
          Optional.empty(),
          Optional.empty(),
          new CommandLineRedactor(true, List.of()),
          new IdentityMetrics(registry));
  final RedisCounterStore down =
      new RedisCounterStore(
          RedisURI.create("redis://127.0.0.1:" + closedPort()),
          "pw-test:",
          Duration.ofMillis(200),
          clock);
  final LocalCounterStore local = new LocalCounterStore(clock, 1000, kind -> {});
  final List<WhenUnavailable> unavailable = new ArrayList<>();

  @AfterEach
  void close() {
    down.close();
  }

  LimitsPolicy policy(WhenUnavailable whenUnavailable) {
    RuleTable table =
        new RuleTable(
            Map.of(KeyKind.SASL, rules("messages 2/1h"), KeyKind.UNIX, rules("messages 2/1h")),
            Map.of());
    return new LimitsPolicy(
        identifier,
        () -> table,
        new FailoverCounterStore(down, () -> local, whenUnavailable, unavailable::add),
        metrics);
  }

  @Test
  void localCountsOnThisServerAloneAndStillStopsASenderAtItsLimit() {
    LimitsPolicy policy = policy(WhenUnavailable.LOCAL);
    for (int i = 0; i < 2; i++) {
      assertEquals(
          Decision.CONTINUE, send(policy, authenticated("alice", "alice@shop.example"), 1).get(0));
    }
    Decision third = policy.onMail(authenticated("alice", "alice@shop.example"));
    assertEquals(
        "451 4.7.1 Sending limit reached (sasl: messages 2/1h), try again later",
        third.reply().toString());
    assertEquals(
        2, local.usage(LimitKey.sasl("alice"), rules("messages 2/1h")).rules().get(0).used());
    assertEquals(
        5,
        unavailable.size(),
        "two MAIL FROM and RCPT TO, and the third MAIL FROM: " + unavailable);
    assertTrue(unavailable.stream().allMatch(outcome -> outcome == WhenUnavailable.LOCAL));
    assertFalse(down.answering());
  }

  @Test
  void deferTellsSmtpClientsToRetryAndCountsNothing() {
    Decision mail =
        policy(WhenUnavailable.DEFER).onMail(authenticated("alice", "alice@shop.example"));
    assertEquals(Verdict.TEMPFAIL, mail.verdict());
    assertEquals(
        "451 4.3.0 Sending limits cannot be checked now, try again later", mail.reply().toString());
    assertEquals(List.of(), local.snapshot());
  }

  @Test
  void deferHoldsSendmailMailUnderItsSendersKey() {
    TestTransaction tx = sendmail("www-shop", "wordpress@shop.example");
    List<Decision> decisions = send(policy(WhenUnavailable.DEFER), tx, 2);
    assertEquals(
        List.of(Decision.CONTINUE, Decision.CONTINUE, Decision.CONTINUE), decisions.subList(0, 3));
    assertEquals(
        List.of(
            new Modification.Quarantine("Postwarden limit unix:www-shop: store-unavailable"),
            new Modification.AddHeader(
                "X-Postwarden-Hold", "unix:www-shop; limit=store-unavailable")),
        decisions.get(3).modifications());
    assertEquals(
        List.of(WhenUnavailable.DEFER, WhenUnavailable.DEFER, WhenUnavailable.DEFER), unavailable);
  }

  private static int closedPort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
