package io.postwarden.srs.fromrepair;

import static org.junit.jupiter.api.Assertions.*;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.postwarden.core.policy.Decision;
import io.postwarden.core.policy.Modification;
import io.postwarden.core.policy.Modification.AddHeader;
import io.postwarden.core.policy.Modification.ChangeHeader;
import io.postwarden.core.testing.TestTransaction;
import io.postwarden.srs.codec.ForwardResult;
import io.postwarden.srs.codec.HashAlphabet;
import io.postwarden.srs.codec.SrsCodec;
import io.postwarden.srs.codec.SrsConfig;
import io.postwarden.srs.codec.SrsSecrets;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class FromRepairPolicyTest {

  /** Every codec of this test signs and verifies on this one day, whatever today's date is. */
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-11-25T10:00:00Z"), ZoneOffset.UTC);

  private final SrsCodec codec =
      new SrsCodec(
          SrsConfig.defaults(SrsSecrets.of(List.of("ours".getBytes(StandardCharsets.US_ASCII)))),
          CLOCK);
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final FromRepairPolicy policy = new FromRepairPolicy(() -> codec, "", registry);

  private String srs(String address, String domain) {
    return ((ForwardResult.Rewritten) codec.forward(address, domain)).address();
  }

  private List<Modification> repairs(TestTransaction tx) {
    return policy.onEndOfMessage(tx).modifications();
  }

  @Test
  void srsAddressThatCleanupPutInFromIsDecodedInPlace() {
    String srs = srs("apache@site.example", "server.example");
    assertEquals(
        List.of(new ChangeHeader("From", 1, "apache@site.example")),
        repairs(TestTransaction.from(srs).header("From", srs)));
    assertEquals(
        1, registry.find("postwarden.from.repairs").tag("action", "replaced").counter().count());
  }

  @Test
  void displayNameAndFormattingAreKept() {
    String srs = srs("ann@outside.example", "srs.example");
    String lower = srs.toLowerCase(java.util.Locale.ROOT);
    assertEquals(
        List.of(new ChangeHeader("From", 1, "\"Ann, Sales\" <ann@outside.example>")),
        repairs(TestTransaction.from("x@y").header("From", "\"Ann, Sales\" <" + srs + ">")));
    assertEquals(
        List.of(new ChangeHeader("From", 1, "ann@outside.example (Ann Example)")),
        repairs(TestTransaction.from("x@y").header("From", lower + " (Ann Example)")));
  }

  @Test
  void anSrsAddressOfAnyDomainVerifiedByOurSecretsIsDecoded() {
    // PostSRSd signed it with the shared secrets file, under its own SRS domain
    String postsrsd = srs("ann@outside.example", "old-srs.example");
    assertEquals(
        List.of(new ChangeHeader("From", 1, "Ann <ann@outside.example>")),
        repairs(TestTransaction.from("x@y").header("From", "Ann <" + postsrsd + ">")));
  }

  @Test
  void srs1IsFollowedBackToTheFirstSender() {
    String srs1 = srs(srs("ann@outside.example", "srs.example"), "srs.example");
    assertTrue(srs1.startsWith("SRS1="), srs1);
    assertEquals(
        List.of(new ChangeHeader("From", 1, "<ann@outside.example>")),
        repairs(TestTransaction.from("x@y").header("From", "<" + srs1 + ">")));
  }

  @Test
  void fromHeadersWithoutOurSrsAreNeverTouched() {
    String foreign = "SRS0=abcd=2W=outside.example=ann@forwarder.example";
    assertEquals(
        Decision.CONTINUE,
        policy.onEndOfMessage(TestTransaction.from("x@y").header("From", "Ann <ann@b>")));
    assertEquals(
        Decision.CONTINUE,
        policy.onEndOfMessage(TestTransaction.from("x@y").header("From", foreign)));
    SrsCodec classic =
        new SrsCodec(
            SrsConfig.defaults(SrsSecrets.of(List.of("ours".getBytes(StandardCharsets.US_ASCII))))
                .withAlphabet(HashAlphabet.BASE64),
            CLOCK);
    String classicAddress =
        ((ForwardResult.Rewritten) classic.forward("a@b.example", "s.example")).address();
    assertEquals(
        List.of(new ChangeHeader("From", 1, "a@b.example")),
        repairs(TestTransaction.from("x@y").header("From", classicAddress)),
        "either hash alphabet verifies");
  }

  @Test
  void onlyTheSrsOccurrenceIsChanged() {
    String srs = srs("ann@outside.example", "srs.example");
    assertEquals(
        List.of(new ChangeHeader("From", 2, "ann@outside.example")),
        repairs(TestTransaction.from("x@y").header("From", "bob@b.example").header("from", srs)));
  }

  @Test
  void missingFromIsAddedFromTheOriginalEnvelopeSender() {
    assertEquals(
        List.of(new AddHeader("From", "<ann@outside.example>")),
        repairs(TestTransaction.from("ann@outside.example").header("Subject", "x")));
    String srs = srs("ann@outside.example", "srs.example");
    assertEquals(
        List.of(new AddHeader("From", "<ann@outside.example>")),
        repairs(TestTransaction.from(srs).header("Subject", "x")),
        "the envelope was already rewritten");
  }

  @Test
  void nullSenderGetsAPostmasterStyleFrom() {
    assertEquals(
        List.of(new AddHeader("From", "Mail Delivery System <MAILER-DAEMON@mx.test.example>")),
        repairs(TestTransaction.from("").macro("j", "mx.test.example")));
    FromRepairPolicy configured =
        new FromRepairPolicy(() -> codec, "postmaster@test.example", registry);
    assertEquals(
        List.of(new AddHeader("From", "Mail Delivery System <postmaster@test.example>")),
        configured.onEndOfMessage(TestTransaction.from("")).modifications());
  }

  @Test
  void anSrsSenderWeCannotVerifyNeverShowsInAnAddedFrom() {
    String genuine = srs("ann@outside.example", "srs.example");
    String forged = genuine.replaceFirst("SRS0=....", "SRS0=AAAA");
    SrsCodec later =
        new SrsCodec(
            SrsConfig.defaults(SrsSecrets.of(List.of("ours".getBytes(StandardCharsets.US_ASCII)))),
            Clock.offset(CLOCK, java.time.Duration.ofDays(30)));
    FromRepairPolicy thirtyDaysOn = new FromRepairPolicy(() -> later, "", registry);
    String foreignInOurSrs1 =
        srs("SRS0=abcd=2W=outside.example=ann@forwarder.example", "srs.example");
    for (TestTransaction tx :
        List.of(
            TestTransaction.from(forged),
            TestTransaction.from("SRS0=abcd=2W=outside.example=ann@forwarder.example"),
            TestTransaction.from(foreignInOurSrs1))) {
      assertEquals(
          List.of(new AddHeader("From", "undisclosed-sender:;")), repairs(tx), tx.sender());
    }
    assertEquals(
        List.of(new AddHeader("From", "undisclosed-sender:;")),
        thirtyDaysOn.onEndOfMessage(TestTransaction.from(genuine)).modifications(),
        "expired");
  }

  @Test
  void aFoldedFromKeepsItsFoldingWithPostfixLineEnds() {
    String srs = srs("ann@outside.example", "srs.example");
    assertEquals(
        List.of(new ChangeHeader("From", 1, "\"Ann Example\"\n\t<ann@outside.example>")),
        repairs(TestTransaction.from("x@y").header("From", "\"Ann Example\"\n\t<" + srs + ">")));
    assertEquals(
        List.of(new ChangeHeader("From", 1, "\"Ann Example\"\n <ann@outside.example>")),
        repairs(TestTransaction.from("x@y").header("From", "\"Ann Example\"\r\n <" + srs + ">")),
        "a CR would end up inside the line");
  }
}
