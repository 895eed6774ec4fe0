package io.postwarden.limits;

import static org.junit.jupiter.api.Assertions.*;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.postwarden.audit.guard.LocalAddresses;
import io.postwarden.audit.identity.ClientIdentifier;
import io.postwarden.audit.identity.ClientIdentity;
import io.postwarden.audit.identity.ClientKind;
import io.postwarden.audit.identity.CommandLineRedactor;
import io.postwarden.audit.identity.IdentityMetrics;
import io.postwarden.audit.log.HoldNote;
import io.postwarden.audit.process.Submitter;
import io.postwarden.core.policy.Decision;
import io.postwarden.core.policy.MailOrigin;
import io.postwarden.core.policy.Modification;
import io.postwarden.core.policy.Recipient;
import io.postwarden.core.policy.Stage;
import io.postwarden.core.policy.Transaction;
import io.postwarden.core.policy.Verdict;
import io.postwarden.core.testing.MutableClock;
import io.postwarden.core.testing.TestTransaction;
import io.postwarden.limits.key.KeyKind;
import io.postwarden.limits.key.LimitKey;
import io.postwarden.limits.redis.RedisCounterStore;
import io.postwarden.limits.rule.LimitRule;
import io.postwarden.limits.rule.RuleTable;
import io.postwarden.limits.store.LocalCounterStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LimitsPolicyTest {

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
  Map<KeyKind, List<LimitRule>> defaults = Map.of();
  Map<LimitKey, List<LimitRule>> overrides = Map.of();

  LimitsPolicy policy() {
    return new LimitsPolicy(
        identifier,
        () -> new RuleTable(defaults, overrides),
        new LocalCounterStore(clock, 1000, metrics::overflowed),
        metrics);
  }

  static List<LimitRule> rules(String... rules) {
    return List.of(rules).stream().map(LimitRule::parse).toList();
  }

  static TestTransaction authenticated(String user, String sender) {
    return TestTransaction.from(sender).authenticatedAs(user).client("192.0.2.10", 4000);
  }

  static TestTransaction sendmail(String unixUser, String sender) {
    TestTransaction tx =
        TestTransaction.from(sender).origin(MailOrigin.NON_SMTPD).client("127.0.0.1", 0);
    tx.attributes()
        .put(
            ClientIdentity.class,
            new ClientIdentity(
                ClientKind.SENDMAIL,
                Optional.empty(),
                Optional.of(new Submitter(1000, unixUser, "/var/spool/postfix/maildrop/ABC"))));
    return tx;
  }

  /** MAIL, each RCPT and (if nothing refused) end of message; the decisions in order. */
  static List<Decision> send(LimitsPolicy policy, TestTransaction tx, int recipients) {
    List<Decision> decisions = new ArrayList<>();
    decisions.add(policy.onMail(tx));
    for (int i = 0; i < recipients && !decisions.get(0).verdict().refuses(); i++) {
      Recipient recipient = new Recipient("r" + i + "@far.example", List.of());
      Decision decision = policy.onRecipient(tx, recipient);
      decisions.add(decision);
      if (!decision.verdict().refuses()) {
        tx.to(recipient.address());
      }
    }
    if (!tx.recipients().isEmpty()) {
      decisions.add(policy.onEndOfMessage(tx));
    }
    return decisions;
  }

  double count(String name, String... tags) {
    return registry.get(name).tags(tags).counter().count();
  }

  @Test
  void anAuthenticatedClientOverItsLimitGets451AtRcptAndTheRestIsNotCounted() {
    defaults = Map.of(KeyKind.SASL, rules("recipients 3/1h"));
    LimitsPolicy policy = policy();
    List<Decision> first = send(policy, authenticated("alice", "alice@shop.example"), 2);
    assertTrue(first.stream().allMatch(decision -> decision == Decision.CONTINUE), first::toString);

    List<Decision> second = send(policy, authenticated("Alice", "alice@shop.example"), 3);
    assertEquals(Decision.CONTINUE, second.get(1));
    Decision refused = second.get(2);
    assertEquals(Verdict.TEMPFAIL, refused.verdict());
    assertEquals(
        "451 4.7.1 Sending limit reached (sasl: recipients 3/1h), try again later",
        refused.reply().toString());
    assertEquals(
        Verdict.TEMPFAIL,
        second.get(3).verdict(),
        "still over: a refused recipient was not counted");
    assertEquals(Decision.CONTINUE, second.get(4), "the accepted recipient's message is not held");
    assertEquals(2, count("postwarden.limits.hits", "kind", "sasl", "action", "defer"));

    clock.advance(Duration.ofHours(2));
    assertTrue(
        send(policy, authenticated("alice", "alice@shop.example"), 3).stream()
            .allMatch(decision -> decision == Decision.CONTINUE));
  }

  @Test
  void aMessagesLimitRefusesAtMailFrom() {
    defaults = Map.of(KeyKind.SASL, rules("messages 1/1m"));
    LimitsPolicy policy = policy();
    assertEquals(Decision.CONTINUE, policy.onMail(authenticated("alice", "a@shop.example")));
    Decision second = policy.onMail(authenticated("alice", "a@shop.example"));
    assertEquals(Verdict.TEMPFAIL, second.verdict());
    assertEquals(451, second.reply().code());
  }

  @Test
  void sendmailMailOverItsLimitIsAcceptedAndHeldWithTheLimitNamed() {
    defaults = Map.of(KeyKind.UNIX, rules("recipients 2/1h"));
    LimitsPolicy policy = policy();
    TestTransaction tx = sendmail("www-shop", "wordpress@shop.example");
    List<Decision> decisions = send(policy, tx, 3);
    assertTrue(
        decisions.subList(0, 4).stream().allMatch(decision -> decision == Decision.CONTINUE),
        "nobody to tell: never refused " + decisions);
    assertEquals(
        List.of(
            new Modification.Quarantine("Postwarden limit unix:www-shop: recipients 2/1h"),
            new Modification.AddHeader(
                "X-Postwarden-Hold", "unix:www-shop; limit=recipients 2/1h")),
        decisions.get(4).modifications());
    assertEquals(Optional.of(new HoldNote("unix:www-shop", "recipients 2/1h")), HoldNote.of(tx));
    assertEquals(1, count("postwarden.limits.held", "kind", "unix"));
    assertEquals(1, count("postwarden.limits.hits", "kind", "unix", "action", "hold"));
  }

  @Test
  void sendmailMailWithinItsLimitIsNotHeld() {
    defaults = Map.of(KeyKind.UNIX, rules("recipients 2/1h"));
    TestTransaction tx = sendmail("www-shop", "wordpress@shop.example");
    List<Decision> decisions = send(policy(), tx, 2);
    assertTrue(
        decisions.stream().allMatch(decision -> decision == Decision.CONTINUE),
        decisions::toString);
    assertEquals(Optional.empty(), HoldNote.of(tx));
  }

  @Test
  void aSubmissionWhoseUserIsUnknownCountsAgainstOneSharedKey() {
    overrides = Map.of(LimitKey.unix(LimitKey.UNKNOWN_USER), rules("messages 1/1h"));
    LimitsPolicy policy = policy();
    assertEquals(
        Decision.CONTINUE,
        send(policy, TestTransaction.from("x@shop.example").origin(MailOrigin.NON_SMTPD), 1)
            .get(2));
    List<Decision> another =
        send(policy, TestTransaction.from("y@other.example").origin(MailOrigin.NON_SMTPD), 1);
    assertEquals(
        new Modification.AddHeader("X-Postwarden-Hold", "unix:(unknown); limit=messages 1/1h"),
        another.get(2).modifications().get(1));
  }

  @Test
  void aHoldLimitHoldsAnSmtpClientsMailInsteadOfDeferringIt() {
    defaults = Map.of(KeyKind.SASL, rules("recipients 1/1h hold"));
    List<Decision> decisions = send(policy(), authenticated("alice", "alice@shop.example"), 2);
    assertEquals(Decision.CONTINUE, decisions.get(2));
    assertInstanceOf(Modification.Quarantine.class, decisions.get(3).modifications().get(0));
  }

  @Test
  void limitsNestAUsersMailCountsAgainstItsDomainShared() {
    defaults =
        Map.of(KeyKind.SASL, rules("recipients 10/1h"), KeyKind.DOMAIN, rules("recipients 3/1h"));
    LimitsPolicy policy = policy();
    send(policy, authenticated("alice", "alice@shop.example"), 2);
    List<Decision> bob = send(policy, authenticated("bob", "bob@SHOP.example"), 2);
    assertEquals(Decision.CONTINUE, bob.get(1));
    assertEquals(
        "451 4.7.1 Sending limit reached (domain: recipients 3/1h), try again later",
        bob.get(2).reply().toString());
    assertEquals(
        Decision.CONTINUE, send(policy, authenticated("carol", "carol@other.example"), 1).get(1));
  }

  @Test
  void remoteClientsCountByAddressOnlyNeverByTheDomainTheyClaim() {
    defaults =
        Map.of(
            KeyKind.CLIENT,
            rules("messages 1/1h"),
            KeyKind.DOMAIN,
            rules("messages 1/1h"),
            KeyKind.SERVER,
            rules("messages 1/1h"));
    LimitsPolicy policy = policy();
    assertEquals(
        Decision.CONTINUE,
        policy.onMail(TestTransaction.from("a@gmail.example").client("192.0.2.1", 1)));
    assertEquals(
        Decision.CONTINUE,
        policy.onMail(TestTransaction.from("b@gmail.example").client("192.0.2.2", 1)));
    assertEquals(
        Verdict.TEMPFAIL,
        policy.onMail(TestTransaction.from("c@other.example").client("192.0.2.2", 2)).verdict());
    // one IPv6 host holds its /64
    assertEquals(
        Decision.CONTINUE, policy.onMail(TestTransaction.from("").client("2001:db8::1", 1)));
    assertEquals(
        Verdict.TEMPFAIL,
        policy.onMail(TestTransaction.from("").client("2001:db8::ffff", 1)).verdict());
  }

  @Test
  void aKeyListedWithNoLimitsIsNeverStopped() {
    defaults = Map.of(KeyKind.SASL, rules("messages 1/1h"));
    overrides = Map.of(LimitKey.sasl("newsletter"), List.of());
    LimitsPolicy policy = policy();
    for (int i = 0; i < 5; i++) {
      assertEquals(
          Decision.CONTINUE, policy.onMail(authenticated("newsletter", "news@shop.example")));
    }
  }

  @Test
  void octetsOfAForeignDomainCannotBreakTheHeaderOrTheReason() {
    defaults = Map.of(KeyKind.DOMAIN, rules("messages 1/1h hold"));
    LimitsPolicy policy = policy();
    send(policy, sendmail("u", "a@b\u00e4d.example"), 1);
    List<Decision> second = send(policy, sendmail("u", "a@b\u00e4d.example"), 1);
    assertEquals(
        new Modification.AddHeader(
            "X-Postwarden-Hold", "domain:b?d.example; limit=messages 1/1h hold"),
        second.get(2).modifications().get(1));
  }

  @Test
  void inMemoryCountingRunsOnTheEventLoopOnceTheSenderIsNamed() {
    TestTransaction named = sendmail("www-shop", "wordpress@shop.example");
    assertFalse(
        policy().mayBlock(Stage.MAIL, (Transaction) named),
        "in-process store, sender named at CONNECT");
    TestTransaction unnamed = authenticated("alice", "alice@test.example");
    assertTrue(
        policy().mayBlock(Stage.MAIL, (Transaction) unnamed),
        "naming the sender may need a process lookup");
  }

  @Test
  void aNetworkStoreKeepsTheLimitsOnThePolicyWorkers() throws Exception {
    try (RedisCounterStore redis =
        new RedisCounterStore(
            io.lettuce.core.RedisURI.create("redis://127.0.0.1:1"),
            "test",
            Duration.ofMillis(50),
            clock)) {
      LimitsPolicy policy =
          new LimitsPolicy(identifier, () -> new RuleTable(defaults, overrides), redis, metrics);
      assertTrue(
          policy.mayBlock(
              Stage.MAIL, (Transaction) sendmail("www-shop", "wordpress@shop.example")));
    }
  }
}
