package io.postwarden.srs.policy;

import static org.junit.jupiter.api.Assertions.*;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.postwarden.core.policy.Decision;
import io.postwarden.core.policy.Modification;
import io.postwarden.core.policy.Modification.AddRecipient;
import io.postwarden.core.policy.Modification.ChangeSender;
import io.postwarden.core.policy.Modification.DeleteRecipient;
import io.postwarden.core.policy.Recipient;
import io.postwarden.core.policy.Verdict;
import io.postwarden.core.testing.TestTransaction;
import io.postwarden.srs.codec.ForwardResult;
import io.postwarden.srs.codec.ReverseResult;
import io.postwarden.srs.codec.SrsCodec;
import io.postwarden.srs.codec.SrsConfig;
import io.postwarden.srs.codec.SrsSecrets;
import io.postwarden.srs.routing.DomainRouting;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
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

  private SrsPolicy policy(boolean alwaysRewrite, boolean rewriteAuthenticated) {
    OurDomains ours = new OurDomains(List.of("test.example", ".hosted.example", SRS_DOMAIN));
    return new SrsPolicy(new SrsPolicy.Settings(SRS_DOMAIN, alwaysRewrite, rewriteAuthenticated), () -> codec,
        () -> ours, new DomainRouting(() -> ours), new SrsMetrics(registry));
  }

  private SrsPolicy policy() {
    return policy(false, true);
  }

  private double count(String meter, String result) {
    var counter = registry.find(meter).tag("result", result).counter();
    return counter == null ? 0 : counter.count();
  }

  private String srs0(String original) {
    return ((ForwardResult.Rewritten) codec.forward(original, SRS_DOMAIN)).address();
  }

  @Test
  void forwardedMailGetsAnSrsReturnPathThatReversesToTheSender() {
    Decision decision = policy().onEndOfMessage(TestTransaction.from("ann@outside.example").to("bob@far.example"));
    ChangeSender change = (ChangeSender) decision.modifications().get(0);
    assertTrue(change.address().startsWith("SRS0="), change.address());
    assertTrue(change.address().endsWith("@" + SRS_DOMAIN));
    assertEquals("ann@outside.example", ((ReverseResult.Reversed) codec.reverse(change.address())).address());
    assertEquals(1, count("postwarden.srs.forward", "rewritten"));
  }

  @Test
  void keepsSendersThatMustNotBeRewritten() {
    for (TestTransaction tx : List.of(
        TestTransaction.from("").to("bob@far.example"),
        TestTransaction.from("www-data@test.example").to("bob@far.example"),
        TestTransaction.from("shop@site.hosted.example").to("bob@far.example"),
        TestTransaction.from(srs0("ann@outside.example")).to("bob@far.example"),
        TestTransaction.from("ann@outside.example").to("bob@test.example", "carol@test.example"))) {
      assertEquals(Decision.CONTINUE, policy().onEndOfMessage(tx), tx.sender());
    }
    assertEquals(5, count("postwarden.srs.forward", "skipped"));
  }

  @Test
  void localOnlyMailIsRewrittenWhenAlwaysRewriteIsOn() {
    Decision decision = policy(true, true).onEndOfMessage(
        TestTransaction.from("ann@outside.example").to("bob@test.example"));
    assertInstanceOf(ChangeSender.class, decision.modifications().get(0));
  }

  @Test
  void aMixedRecipientListIsRewrittenBecauseOneCopyLeaves() {
    Decision decision = policy().onEndOfMessage(
        TestTransaction.from("ann@outside.example").to("bob@test.example", "carol@far.example"));
    assertInstanceOf(ChangeSender.class, decision.modifications().get(0));
  }

  @Test
  void authenticatedForeignSenderFollowsTheOption() {
    TestTransaction tx = TestTransaction.from("alice@gmail.example").to("x@far.example").authenticatedAs("alice");
    assertInstanceOf(ChangeSender.class, policy(false, true).onEndOfMessage(tx).modifications().get(0));
    assertEquals(Decision.CONTINUE, policy(false, false).onEndOfMessage(tx));
  }

  @Test
  void tooLongSenderIsSentUnchangedAndCounted() {
    String sender = "a".repeat(60) + "@outside.example";
    assertEquals(Decision.CONTINUE, policy().onEndOfMessage(TestTransaction.from(sender).to("x@far.example")));
    assertEquals(1, count("postwarden.srs.forward", "error"));
  }

  @Test
  void bounceToOurSrsAddressGoesBackToTheOriginalSender() {
    String srs = srs0("ann@outside.example");
    TestTransaction bounce = TestTransaction.from("").to(srs);
    assertEquals(Decision.CONTINUE, policy().onRecipient(bounce, new Recipient(srs, List.of())));
    assertEquals(List.<Modification>of(new DeleteRecipient(srs), new AddRecipient("ann@outside.example")),
        policy().onEndOfMessage(bounce).modifications());
    assertEquals(1, count("postwarden.srs.reverse", "reversed"));
  }

  @Test
  void caseSmashedSrsAddressStillReverses() {
    String smashed = srs0("ann@outside.example").toLowerCase(java.util.Locale.ROOT);
    List<Modification> mods = policy().onEndOfMessage(TestTransaction.from("").to(smashed)).modifications();
    assertEquals(new AddRecipient("ann@outside.example"), mods.get(1));
  }

  @Test
  void srs1BounceGoesBackToTheFirstForwarder() {
    String srs1 = ((ForwardResult.Rewritten) codec.forward("SRS0=abcd=2W=origin.example=ann@first.example",
        SRS_DOMAIN)).address();
    List<Modification> mods = policy().onEndOfMessage(TestTransaction.from("").to(srs1)).modifications();
    assertEquals(new AddRecipient("SRS0=abcd=2W=origin.example=ann@first.example"), mods.get(1));
  }

  @Test
  void forgedAndExpiredSrsAddressesAtOurDomainAreRefused() {
    String genuine = srs0("ann@outside.example");
    String forged = genuine.replaceFirst("SRS0=....", "SRS0=AAAA");
    Decision refused = policy().onRecipient(TestTransaction.from(""), new Recipient(forged, List.of()));
    assertEquals(Verdict.REJECT, refused.verdict());
    assertEquals(550, refused.reply().code());
    assertEquals("5.1.1", refused.reply().enhancedStatus());
    assertTrue(refused.reply().text().startsWith("Invalid SRS address"), refused.reply().text());
    assertEquals(1, count("postwarden.srs.reverse", "bad_hash"));

    codec = codecAt(NOW.plus(Duration.ofDays(22)));
    assertEquals(Verdict.REJECT, policy().onRecipient(TestTransaction.from(""), new Recipient(genuine, List.of()))
        .verdict());
    assertEquals(1, count("postwarden.srs.reverse", "expired"));

    String shortHash = genuine.replaceFirst("SRS0=(...).", "SRS0=$1");
    assertEquals(Verdict.REJECT, policy().onRecipient(TestTransaction.from(""), new Recipient(shortHash, List.of()))
        .verdict());
  }

  @Test
  void otherPeoplesSrsAddressesAndPlainAddressesAtOurSrsDomainPass() {
    String theirs = "SRS0=zzzz=2W=outside.example=ann@forwarder.example";
    assertEquals(Decision.CONTINUE, policy().onRecipient(TestTransaction.from(""), new Recipient(theirs, List.of())));
    String postmaster = "postmaster@" + SRS_DOMAIN;
    assertEquals(Decision.CONTINUE,
        policy().onRecipient(TestTransaction.from(""), new Recipient(postmaster, List.of())));
    assertEquals(Decision.CONTINUE, policy().onEndOfMessage(TestTransaction.from("").to(theirs, postmaster)));
  }
}
