package io.postwarden.srs.policy;

import static org.junit.jupiter.api.Assertions.*;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.postwarden.core.policy.Decision;
import io.postwarden.core.policy.Modification;
import io.postwarden.core.policy.Modification.AddRecipient;
import io.postwarden.core.policy.Modification.ChangeSender;
import io.postwarden.core.policy.Modification.DeleteRecipient;
import io.postwarden.core.policy.Recipient;
import io.postwarden.core.policy.Stage;
import io.postwarden.core.policy.Transaction;
import io.postwarden.core.policy.Verdict;
import io.postwarden.core.testing.MutableClock;
import io.postwarden.core.testing.TestTransaction;
import io.postwarden.srs.codec.ForwardResult;
import io.postwarden.srs.codec.ReverseResult;
import io.postwarden.srs.codec.SrsCodec;
import io.postwarden.srs.codec.SrsConfig;
import io.postwarden.srs.codec.SrsSecrets;
import io.postwarden.srs.domains.OurDomains;
import io.postwarden.srs.routing.DomainRouting;
import io.postwarden.srs.routing.RecipientRouting;
import io.postwarden.srs.routing.RecipientRouting.Route;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SrsPolicyTest {

  private static final String SRS_DOMAIN = "srs.test.example";
  private static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private SrsCodec codec = codecAt(NOW);

  private static SrsCodec codecAt(Instant instant) {
    SrsSecrets secrets = SrsSecrets.of(List.of("tops3cr3t".getBytes(StandardCharsets.US_ASCII)));
    return new SrsCodec(SrsConfig.defaults(secrets), Clock.fixed(instant, ZoneOffset.UTC));
  }

  private final MutableClock clock = new MutableClock(NOW);
  private final GuessThrottle throttle =
      new GuessThrottle(
          new GuessThrottle.Settings(3, Duration.ofMinutes(10), Duration.ofMinutes(15), 100),
          clock);

  private SrsPolicy policy(
      boolean alwaysRewrite, boolean rewriteAuthenticated, boolean nullSenderOnly) {
    OurDomains ours = new OurDomains(List.of("test.example", ".hosted.example", SRS_DOMAIN));
    return new SrsPolicy(
        new SrsPolicy.Settings(SRS_DOMAIN, alwaysRewrite, rewriteAuthenticated, nullSenderOnly),
        () -> codec,
        () -> ours,
        new DomainRouting(() -> ours),
        throttle,
        new SrsMetrics(registry));
  }

  private SrsPolicy policy(boolean alwaysRewrite, boolean rewriteAuthenticated) {
    return policy(alwaysRewrite, rewriteAuthenticated, true);
  }

  private SrsPolicy policy() {
    return policy(false, true);
  }

  private double count(String meter, String result) {
    var counter = registry.find(meter).tag("result", result).counter();
    return counter == null ? 0 : counter.count();
  }

  private double refusals(String reason) {
    return registry.get("postwarden.srs.refusals").tag("reason", reason).counter().count();
  }

  private static Recipient rcpt(String address) {
    return new Recipient(address, List.of());
  }

  private String srs0(String original) {
    return ((ForwardResult.Rewritten) codec.forward(original, SRS_DOMAIN)).address();
  }

  /** Routes some addresses from memory; {@link #route} stands for asking Postfix, and counts. */
  private static final class PartlyRemembered implements RecipientRouting {
    private final Map<String, Route> remembered;
    private final List<String> asked = new ArrayList<>();

    PartlyRemembered(Map<String, Route> remembered) {
      this.remembered = remembered;
    }

    @Override
    public Route route(String recipient) {
      asked.add(recipient);
      return Route.LEAVES;
    }

    @Override
    public Optional<Route> routeFromMemory(String recipient) {
      return Optional.ofNullable(remembered.get(recipient));
    }
  }

  private SrsPolicy policy(RecipientRouting routing) {
    OurDomains ours = new OurDomains(List.of("test.example", SRS_DOMAIN));
    return new SrsPolicy(
        new SrsPolicy.Settings(SRS_DOMAIN, false, true, true),
        () -> codec,
        () -> ours,
        routing,
        throttle,
        new SrsMetrics(registry));
  }

  /**
   * TestTransaction is both a Transaction and a Connection: the transaction's mayBlock is meant.
   */
  private static boolean mayBlock(SrsPolicy policy, Stage stage, Transaction tx) {
    return policy.mayBlock(stage, tx);
  }

  @Test
  void endOfMessageMayBlockOnlyWhenARouteMustBeAskedOfPostfix() {
    PartlyRemembered routing =
        new PartlyRemembered(
            Map.of("bob@test.example", Route.LOCAL, "carol@far.example", Route.LEAVES));
    SrsPolicy policy = policy(routing);
    TestTransaction remembered =
        TestTransaction.from("ann@outside.example").to("bob@test.example", "carol@far.example");
    assertFalse(mayBlock(policy, Stage.END_OF_MESSAGE, remembered));
    assertInstanceOf(ChangeSender.class, policy.onEndOfMessage(remembered).modifications().get(0));
    TestTransaction local = TestTransaction.from("ann@outside.example").to("bob@test.example");
    assertFalse(mayBlock(policy, Stage.END_OF_MESSAGE, local));
    assertEquals(Decision.CONTINUE, policy.onEndOfMessage(local));
    assertEquals(List.of(), routing.asked, "what was told from memory is not asked again");

    TestTransaction unknown =
        TestTransaction.from("ann@outside.example").to("bob@test.example", "new@test.example");
    assertTrue(mayBlock(policy, Stage.END_OF_MESSAGE, unknown));
    assertInstanceOf(ChangeSender.class, policy.onEndOfMessage(unknown).modifications().get(0));
    assertEquals(List.of("bob@test.example"), routing.asked, "asked until one leaves");
    assertFalse(mayBlock(policy, Stage.RCPT, unknown), "RCPT needs no route");
  }

  @Test
  void aBounceIsRoutedToTheAddressInside() {
    PartlyRemembered routing = new PartlyRemembered(Map.of("ann@outside.example", Route.LEAVES));
    TestTransaction bounce = TestTransaction.from("").to(srs0("ann@outside.example"));
    assertFalse(mayBlock(policy(routing), Stage.END_OF_MESSAGE, bounce));
    TestTransaction toAnother = TestTransaction.from("").to(srs0("someone@outside.example"));
    assertTrue(mayBlock(policy(routing), Stage.END_OF_MESSAGE, toAnother));
  }

  @Test
  void forwardedMailGetsAnSrsReturnPathThatReversesToTheSender() {
    Decision decision =
        policy().onEndOfMessage(TestTransaction.from("ann@outside.example").to("bob@far.example"));
    ChangeSender change = (ChangeSender) decision.modifications().get(0);
    assertTrue(change.address().startsWith("SRS0="), change.address());
    assertTrue(change.address().endsWith("@" + SRS_DOMAIN));
    assertEquals(
        "ann@outside.example",
        ((ReverseResult.Reversed) codec.reverse(change.address())).address());
    assertEquals(1, count("postwarden.srs.forward", "rewritten"));
  }

  @Test
  void keepsSendersThatMustNotBeRewritten() {
    for (TestTransaction tx :
        List.of(
            TestTransaction.from("").to("bob@far.example"),
            TestTransaction.from("www-data@test.example").to("bob@far.example"),
            TestTransaction.from("shop@site.hosted.example").to("bob@far.example"),
            TestTransaction.from(srs0("ann@outside.example")).to("bob@far.example"),
            TestTransaction.from("ann@outside.example")
                .to("bob@test.example", "carol@test.example"))) {
      assertEquals(Decision.CONTINUE, policy().onEndOfMessage(tx), tx.sender());
    }
    assertEquals(5, count("postwarden.srs.forward", "skipped"));
  }

  @Test
  void localOnlyMailIsRewrittenWhenAlwaysRewriteIsOn() {
    Decision decision =
        policy(true, true)
            .onEndOfMessage(TestTransaction.from("ann@outside.example").to("bob@test.example"));
    assertInstanceOf(ChangeSender.class, decision.modifications().get(0));
  }

  @Test
  void aMixedRecipientListIsRewrittenBecauseOneCopyLeaves() {
    Decision decision =
        policy()
            .onEndOfMessage(
                TestTransaction.from("ann@outside.example")
                    .to("bob@test.example", "carol@far.example"));
    assertInstanceOf(ChangeSender.class, decision.modifications().get(0));
  }

  @Test
  void authenticatedForeignSenderFollowsTheOption() {
    TestTransaction tx =
        TestTransaction.from("alice@gmail.example").to("x@far.example").authenticatedAs("alice");
    assertInstanceOf(
        ChangeSender.class, policy(false, true).onEndOfMessage(tx).modifications().get(0));
    assertEquals(Decision.CONTINUE, policy(false, false).onEndOfMessage(tx));
  }

  @Test
  void tooLongSenderIsSentUnchangedAndCounted() {
    String sender = "a".repeat(60) + "@outside.example";
    assertEquals(
        Decision.CONTINUE,
        policy().onEndOfMessage(TestTransaction.from(sender).to("x@far.example")));
    assertEquals(1, count("postwarden.srs.forward", "error"));
  }

  @Test
  void endOfMessageReversesWithTheHashVerifiedAtRcpt() {
    // a bounce: the null sender is never forwarded, so each use of the codec reverses one address
    AtomicInteger reversals = new AtomicInteger();
    OurDomains ours = new OurDomains(List.of("test.example", SRS_DOMAIN));
    SrsPolicy policy =
        new SrsPolicy(
            new SrsPolicy.Settings(SRS_DOMAIN, false, true, true),
            () -> {
              reversals.incrementAndGet();
              return codec;
            },
            () -> ours,
            new DomainRouting(() -> ours),
            throttle,
            new SrsMetrics(registry));
    String srs = srs0("ann@outside.example");
    TestTransaction bounce = TestTransaction.from("").to(srs);
    assertEquals(Decision.CONTINUE, policy.onRecipient(bounce, rcpt(srs)));
    assertEquals(1, reversals.get(), "RCPT verifies the hash");
    assertFalse(mayBlock(policy, Stage.END_OF_MESSAGE, bounce));
    assertEquals(
        List.<Modification>of(new DeleteRecipient(srs), new AddRecipient("ann@outside.example")),
        policy.onEndOfMessage(bounce).modifications());
    assertEquals(1, reversals.get(), "end of message reverses with what RCPT verified");
    // the next transaction verifies its own recipients
    TestTransaction next = TestTransaction.from("").to(srs);
    assertEquals(
        List.<Modification>of(new DeleteRecipient(srs), new AddRecipient("ann@outside.example")),
        policy.onEndOfMessage(next).modifications());
    assertEquals(2, reversals.get());
  }

  @Test
  void bounceToOurSrsAddressGoesBackToTheOriginalSender() {
    String srs = srs0("ann@outside.example");
    TestTransaction bounce = TestTransaction.from("").to(srs);
    assertEquals(Decision.CONTINUE, policy().onRecipient(bounce, new Recipient(srs, List.of())));
    assertEquals(
        List.<Modification>of(new DeleteRecipient(srs), new AddRecipient("ann@outside.example")),
        policy().onEndOfMessage(bounce).modifications());
    assertEquals(1, count("postwarden.srs.reverse", "reversed"));
  }

  @Test
  void caseSmashedSrsAddressStillReverses() {
    String smashed = srs0("ann@outside.example").toLowerCase(java.util.Locale.ROOT);
    List<Modification> mods =
        policy().onEndOfMessage(TestTransaction.from("").to(smashed)).modifications();
    assertEquals(new AddRecipient("ann@outside.example"), mods.get(1));
  }

  @Test
  void srs1BounceGoesBackToTheFirstForwarder() {
    String srs1 =
        ((ForwardResult.Rewritten)
                codec.forward("SRS0=abcd=2W=origin.example=ann@first.example", SRS_DOMAIN))
            .address();
    List<Modification> mods =
        policy().onEndOfMessage(TestTransaction.from("").to(srs1)).modifications();
    assertEquals(new AddRecipient("SRS0=abcd=2W=origin.example=ann@first.example"), mods.get(1));
  }

  @Test
  void forgedAndExpiredSrsAddressesAtOurDomainAreRefused() {
    String genuine = srs0("ann@outside.example");
    String forged = genuine.replaceFirst("SRS0=....", "SRS0=AAAA");
    Decision refused =
        policy().onRecipient(TestTransaction.from(""), new Recipient(forged, List.of()));
    assertEquals(Verdict.REJECT, refused.verdict());
    assertEquals(550, refused.reply().code());
    assertEquals("5.1.1", refused.reply().enhancedStatus());
    assertTrue(refused.reply().text().startsWith("Invalid SRS address"), refused.reply().text());
    assertEquals(1, count("postwarden.srs.reverse", "bad_hash"));

    codec = codecAt(NOW.plus(Duration.ofDays(22)));
    assertEquals(
        Verdict.REJECT,
        policy()
            .onRecipient(TestTransaction.from(""), new Recipient(genuine, List.of()))
            .verdict());
    assertEquals(1, count("postwarden.srs.reverse", "expired"));

    String shortHash = genuine.replaceFirst("SRS0=(...).", "SRS0=$1");
    assertEquals(
        Verdict.REJECT,
        policy()
            .onRecipient(TestTransaction.from(""), new Recipient(shortHash, List.of()))
            .verdict());
  }

  @Test
  void otherPeoplesSrsAddressesAndPlainAddressesAtOurSrsDomainPass() {
    String theirs = "SRS0=zzzz=2W=outside.example=ann@forwarder.example";
    assertEquals(
        Decision.CONTINUE,
        policy().onRecipient(TestTransaction.from(""), new Recipient(theirs, List.of())));
    String postmaster = "postmaster@" + SRS_DOMAIN;
    assertEquals(
        Decision.CONTINUE,
        policy().onRecipient(TestTransaction.from(""), new Recipient(postmaster, List.of())));
    assertEquals(
        Decision.CONTINUE,
        policy().onEndOfMessage(TestTransaction.from("").to(theirs, postmaster)));
  }

  @Test
  void onlyTheNullSenderMayWriteToOurSrsAddresses() {
    String genuine = srs0("ann@outside.example");
    String forged = genuine.replaceFirst("SRS0=....", "SRS0=AAAA");
    TestTransaction spam = TestTransaction.from("spammer@botnet.example");
    for (String address : List.of(genuine, forged)) {
      Decision refused = policy().onRecipient(spam, rcpt(address));
      assertEquals(Verdict.REJECT, refused.verdict(), address);
      assertEquals(
          "5.7.1",
          refused.reply().enhancedStatus(),
          "the same reply for valid and forged: no oracle");
    }
    assertEquals(2, refusals("non_null_sender"));
    assertEquals(Decision.CONTINUE, policy().onRecipient(TestTransaction.from(""), rcpt(genuine)));
    assertEquals(
        Decision.CONTINUE,
        policy(false, true, false).onRecipient(spam, rcpt(genuine)),
        "srs-null-sender-only = false restores PostSRSd's accept-all");
    assertEquals(Decision.CONTINUE, policy().onRecipient(spam, rcpt("postmaster@" + SRS_DOMAIN)));
  }

  @Test
  void forgedAddressesInFormsPostfixNormalisesAreRefused() {
    String forged = srs0("ann@outside.example").replaceFirst("SRS0=....", "SRS0=AAAA");
    String local = forged.substring(0, forged.indexOf('@'));
    List<String> forms =
        List.of(
            forged + ".",
            "\"" + local + "\"@" + SRS_DOMAIN,
            "@a.example,@b.example:" + forged,
            forged + " (comment)",
            local + "(comment)@" + SRS_DOMAIN,
            local + "@sub." + SRS_DOMAIN.toUpperCase());
    for (int i = 0; i < forms.size(); i++) {
      TestTransaction bounce = TestTransaction.from("").client("192.0.2." + (i + 1), 25);
      assertEquals(
          Verdict.REJECT, policy().onRecipient(bounce, rcpt(forms.get(i))).verdict(), forms.get(i));
    }
  }

  @Test
  void validBouncesInFormsPostfixNormalisesAreReversed() {
    String genuine = srs0("ann@outside.example");
    String local = genuine.substring(0, genuine.indexOf('@'));
    for (String form :
        List.of(genuine + ".", "\"" + local + "\"@" + SRS_DOMAIN, "@a.example:" + genuine)) {
      TestTransaction bounce = TestTransaction.from("").to(form);
      assertEquals(Decision.CONTINUE, policy().onRecipient(bounce, rcpt(form)), form);
      assertEquals(
          List.<Modification>of(
              new DeleteRecipient(form),
              new DeleteRecipient(genuine),
              new AddRecipient("ann@outside.example")),
          policy().onEndOfMessage(bounce).modifications(),
          form);
    }
  }

  @Test
  void whenPostfixReadsTheRecipientDifferentlyTheSrsRecipientIsDeferred() {
    String forged = srs0("ann@outside.example").replaceFirst("SRS0=....", "SRS0=AAAA");
    TestTransaction tx =
        TestTransaction.from("").macro("rcpt_addr", forged.toLowerCase(java.util.Locale.ROOT));
    Decision deferred = policy().onRecipient(tx, rcpt("someone@elsewhere.example"));
    assertEquals(Verdict.TEMPFAIL, deferred.verdict());
    assertEquals(1, refusals("ambiguous"));
    TestTransaction agreeing =
        TestTransaction.from("").macro("rcpt_addr", forged.toLowerCase(java.util.Locale.ROOT));
    assertEquals(
        Verdict.REJECT,
        policy().onRecipient(agreeing, rcpt(forged + ".")).verdict(),
        "case and trailing dot are no disagreement");
  }

  @Test
  void aClientGuessingHashesGetsTheSameTemporaryAnswerForValidAndForged() {
    String genuine = srs0("ann@outside.example");
    TestTransaction guesser = TestTransaction.from("").client("192.0.2.7", 40000);
    for (String hash : List.of("AAAA", "BBBB", "CCCC")) {
      Decision wrong =
          policy().onRecipient(guesser, rcpt(genuine.replaceFirst("SRS0=....", "SRS0=" + hash)));
      assertEquals(Verdict.REJECT, wrong.verdict());
    }
    Decision right = policy().onRecipient(guesser, rcpt(genuine));
    assertEquals(Verdict.TEMPFAIL, right.verdict());
    assertEquals(451, right.reply().code());
    assertEquals(
        right, policy().onRecipient(guesser, rcpt(genuine.replaceFirst("SRS0=....", "SRS0=DDDD"))));
    assertEquals(2, refusals("throttled"));
    assertEquals(3, refusals("bad_hash"));

    TestTransaction sameV4Elsewhere = TestTransaction.from("").client("192.0.2.8", 40000);
    assertEquals(Decision.CONTINUE, policy().onRecipient(sameV4Elsewhere, rcpt(genuine)));
    assertEquals(Decision.CONTINUE, policy().onRecipient(guesser, rcpt("plain@" + SRS_DOMAIN)));

    clock.advance(Duration.ofSeconds(15 * 60));
    assertEquals(
        Decision.CONTINUE, policy().onRecipient(guesser, rcpt(genuine)), "the lockout ends");
  }

  @Test
  void whenTheCanonicalMapsRewriteTheMilterOnlyRefusesAtRcpt() {
    OurDomains ours = new OurDomains(List.of("test.example", SRS_DOMAIN));
    SrsPolicy checkOnly =
        new SrsPolicy(
            new SrsPolicy.Settings(SRS_DOMAIN, true, true, true, false),
            () -> codec,
            () -> ours,
            new DomainRouting(() -> ours),
            throttle,
            new SrsMetrics(registry));
    String genuine = srs0("ann@outside.example");
    assertEquals(
        Decision.CONTINUE,
        checkOnly.onEndOfMessage(TestTransaction.from("ann@outside.example").to("bob@far.example")),
        "no CHGFROM: sender_canonical_maps rewrites");
    assertEquals(
        Decision.CONTINUE,
        checkOnly.onEndOfMessage(TestTransaction.from("").to(genuine)),
        "no recipient swap: recipient_canonical_maps reverses");
    assertEquals(java.util.Set.of(io.postwarden.core.policy.Stage.RCPT), checkOnly.stages());
    assertTrue(checkOnly.capabilities().isEmpty());
    String forged = genuine.replaceFirst("^SRS0=....", "SRS0=ZZZZ");
    assertEquals(
        Verdict.REJECT, checkOnly.onRecipient(TestTransaction.from(""), rcpt(forged)).verdict());
    assertEquals(
        Verdict.REJECT,
        checkOnly.onRecipient(TestTransaction.from("x@spam.example"), rcpt(genuine)).verdict());
  }
}
