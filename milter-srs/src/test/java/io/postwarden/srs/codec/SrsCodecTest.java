package io.postwarden.srs.codec;

import static io.postwarden.srs.codec.TestCodecs.NOTES_CLOCK;
import static io.postwarden.srs.codec.TestCodecs.SRS_DOMAIN;
import static io.postwarden.srs.codec.TestCodecs.codec;
import static io.postwarden.srs.codec.TestCodecs.config;
import static io.postwarden.srs.codec.TestCodecs.notesCodec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.postwarden.srs.codec.ForwardResult.Refused;
import io.postwarden.srs.codec.ForwardResult.Rewritten;
import io.postwarden.srs.codec.ReverseResult.Rejected;
import io.postwarden.srs.codec.ReverseResult.Reversed;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SrsCodecTest {

  private static String forwarded(SrsCodec codec, String sender) {
    ForwardResult result = codec.forward(sender, SRS_DOMAIN);
    return assertInstanceOf(Rewritten.class, result, result::toString).address();
  }

  private static String reversed(SrsCodec codec, String address) {
    ReverseResult result = codec.reverse(address);
    return assertInstanceOf(Reversed.class, result, result::toString).address();
  }

  private static Rejected rejected(SrsCodec codec, String address) {
    ReverseResult result = codec.reverse(address);
    return assertInstanceOf(Rejected.class, result, result::toString);
  }

  private static Refused refused(SrsCodec codec, String sender) {
    ForwardResult result = codec.forward(sender, SRS_DOMAIN);
    return assertInstanceOf(Refused.class, result, result::toString);
  }

  @Test
  void notesVectors() {
    SrsCodec codec = notesCodec();
    assertEquals(
        "SRS0=vmyz=2W=otherdomain.com=test@example.com", forwarded(codec, "test@otherdomain.com"));
    assertEquals(
        "SRS1=chaI=otherdomain.com==opaque+string@example.com",
        forwarded(codec, "SRS0=opaque+string@otherdomain.com"));
    assertEquals(
        "test@otherdomain.com", reversed(codec, "srs0=xjo9=2v=otherdomain.com=test@example.com"));
    assertEquals(
        ReverseFailure.HASH_TOO_SHORT,
        rejected(codec, "SRS0=vmy=2W=otherdomain.com=test@example.com").reason());
    assertEquals(
        ReverseFailure.EXPIRED,
        rejected(codec, "SRS0=te87=T7=otherdomain.com=test@example.com").reason());
  }

  @Test
  void srs1OfAnSrs1KeepsTheFirstForwarderAndReversesToItsSrs0Address() {
    SrsCodec codec = notesCodec();
    String srs1 = forwarded(codec, "SRS1=abcd=host.com==x=y@foo.com");
    assertEquals("SRS1=Ts2B=host.com==x=y@example.com", srs1);
    assertEquals("SRS0=x=y@host.com", reversed(codec, srs1));
    assertEquals(
        "SRS0=opaque+string@otherdomain.com",
        reversed(codec, "SRS1=chaI=otherdomain.com==opaque+string@example.com"));
  }

  @Test
  void theConfiguredSeparatorFollowsTheTagOnly() {
    SrsCodec codec = codec(config("tops3cr3t").withSeparator(SrsSeparator.MINUS), NOTES_CLOCK);
    assertEquals(
        "SRS0-vmyz=2W=otherdomain.com=test@example.com", forwarded(codec, "test@otherdomain.com"));
    assertEquals(
        "SRS1-chaI=otherdomain.com==opaque+string@example.com",
        forwarded(codec, "SRS0=opaque+string@otherdomain.com"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"=", "+", "-"})
  void reverseAcceptsEverySeparator(String separator) {
    assertEquals(
        "test@otherdomain.com",
        reversed(notesCodec(), "SRS0" + separator + "vmyz=2W=otherdomain.com=test@example.com"));
  }

  @Test
  void base64UrlIsWrittenWhenConfiguredAndAcceptedAlways() {
    SrsCodec classic = notesCodec();
    SrsCodec url = codec(config("tops3cr3t").withAlphabet(HashAlphabet.BASE64URL), NOTES_CLOCK);
    String withPlus = forwarded(classic, "a=b=c@x.org");
    assertEquals("SRS0=+Vzj=2W=x.org=a=b=c@example.com", withPlus);
    String withMinus = forwarded(url, "a=b=c@x.org");
    assertEquals("SRS0=-Vzj=2W=x.org=a=b=c@example.com", withMinus);
    for (SrsCodec codec : new SrsCodec[] {classic, url}) {
      assertEquals("a=b=c@x.org", reversed(codec, withPlus));
      assertEquals("a=b=c@x.org", reversed(codec, withMinus));
    }
  }

  @Test
  void onlyTheFirstHashLengthCharactersCountAndShorterOnesDownToTheMinimum() {
    SrsCodec codec = codec(config("tops3cr3t").withHashLength(6, 4), NOTES_CLOCK);
    String address = forwarded(codec, "test@otherdomain.com");
    assertEquals("SRS0=vmyz7B=2W=otherdomain.com=test@example.com", address);
    assertEquals("test@otherdomain.com", reversed(codec, HashField.replace(address, "vmyz7BXYZ")));
    assertEquals("test@otherdomain.com", reversed(codec, HashField.replace(address, "VMYZ")));
    assertEquals(
        ReverseFailure.BAD_HASH, rejected(codec, HashField.replace(address, "vmyz7C")).reason());
    assertEquals(
        ReverseFailure.HASH_TOO_SHORT, rejected(codec, HashField.replace(address, "vmy")).reason());
  }

  @Test
  void theFirstSecretSignsAndEverySecretVerifies() {
    String signedWithOld = forwarded(notesCodec(), "test@otherdomain.com");
    SrsCodec rotated = codec(config("n3wer-s3cret", "tops3cr3t"), NOTES_CLOCK);
    String signedWithNew = forwarded(rotated, "test@otherdomain.com");
    assertEquals("test@otherdomain.com", reversed(rotated, signedWithOld));
    assertEquals("test@otherdomain.com", reversed(rotated, signedWithNew));
    assertEquals(ReverseFailure.BAD_HASH, rejected(notesCodec(), signedWithNew).reason());
  }

  @ParameterizedTest
  @CsvSource({
    "0, true",
    "1, true",
    "21, true",
    "22, false",
    "-1, false",
    "1023, false",
    "1024, true"
  })
  void timestampsAreValidFor21DaysAndWrapEvery1024(int daysLater, boolean valid) {
    String address = forwarded(notesCodec(), "test@otherdomain.com");
    ReverseResult result =
        codec(config("tops3cr3t"), NOTES_CLOCK.plus(Duration.ofDays(daysLater))).reverse(address);
    assertEquals(valid, result instanceof Reversed, result::toString);
  }

  @Test
  void theHashIsCheckedBeforeTheTimestampSoForgeriesAreNotReportedAsExpired() {
    Rejected forgedAndOld = rejected(notesCodec(), "SRS0=abcd=T7=otherdomain.com=test@example.com");
    assertEquals(ReverseFailure.BAD_HASH, forgedAndOld.reason());
    Rejected authenticButOld =
        rejected(
            codec(config("tops3cr3t"), NOTES_CLOCK.plus(Duration.ofDays(22))),
            "SRS0=vmyz=2W=otherdomain.com=test@example.com");
    assertEquals(
        "SRS timestamp 2W is 22 days old (stamps repeat every 1024 days), more than the 21 allowed",
        authenticButOld.message());
  }

  @Test
  void eightBitLocalPartsAreHashedByteForByteAndOnlyAsciiIsCaseFolded() {
    SrsCodec codec = notesCodec();
    String address = forwarded(codec, "t\u00e9st@x.com");
    assertEquals("SRS0=bBZG=2W=x.com=t\u00e9st@example.com", address);
    assertEquals("T\u00e9ST@X.COM", reversed(codec, "SRS0=BBZG=2W=X.COM=T\u00e9ST@EXAMPLE.COM"));
    // \u00c9 is not the upper case of \u00e9 for SRS: bytes above 0x7F are never case-folded.
    assertEquals(
        ReverseFailure.BAD_HASH,
        rejected(codec, "SRS0=bBZG=2W=x.com=t\u00c9st@example.com").reason());
  }

  @Test
  void localPartsOver64OctetsAreNeverWritten() {
    SrsCodec codec = notesCodec();
    String fits = forwarded(codec, "y".repeat(45) + "@x.org");
    assertEquals(64, fits.indexOf('@'));
    Refused tooLong = refused(codec, "y".repeat(46) + "@x.org");
    assertEquals(ForwardRefusal.LOCAL_PART_TOO_LONG, tooLong.reason());
    assertEquals(
        "the SRS local part would be 65 octets, receivers refuse more than 64", tooLong.message());
    assertEquals(
        ForwardRefusal.LOCAL_PART_TOO_LONG,
        refused(codec, "SRS0=" + "q".repeat(60) + "@otherdomain.com").reason());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "noat",
        "user@",
        "@example.org",
        "\"a@b\"@example.org",
        "user@exa=mple.org",
        "user@\u0101.example",
        "SRS1=abcd@foo.com",
        "SRS1=abcd=host.com@foo.com"
      })
  void sendersThatCannotBeRewrittenReversiblyAreRefused(String sender) {
    Refused refused = refused(notesCodec(), sender);
    assertEquals(ForwardRefusal.MALFORMED, refused.reason());
    assertTrue(!refused.message().isBlank());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "user@example.com | NOT_SRS | example.com",
        "SRS2=abcd=2W=h=u@example.com | NOT_SRS | example.com",
        "SRS0xvmyz=2W=otherdomain.com=test@example.com | NOT_SRS | example.com",
        "SRS0=vmyz=2W=otherdomain.com=test | MALFORMED | ''",
        "SRS0=abcd@example.com | MALFORMED | example.com",
        "SRS0==2W=otherdomain.com=test@example.com | MALFORMED | example.com",
        "SRS0=vmyz=2W=otherdomain.com=@example.com | MALFORMED | example.com",
        "SRS0=vmyz=2WX=otherdomain.com=test@example.com | MALFORMED | example.com",
        "SRS0=vmyz=1!=otherdomain.com=test@example.com | MALFORMED | example.com",
        "SRS1=abcd=host.com@example.com | MALFORMED | example.com",
        "SRS0=vmyz=2W=otherdomain.com=t\u0101st@example.com | MALFORMED | example.com",
        "SRS0=vmyz=2W=otherdomain.com=test@srs.elsewhere.example | ~ | srs.elsewhere.example"
      })
  void reverseReportsTheReasonAndTheDomainPart(String address, String reason, String domain) {
    ReverseResult result = notesCodec().reverse(address);
    assertEquals(domain, result.srsDomain());
    if (reason.equals("~")) {
      assertInstanceOf(Reversed.class, result);
    } else {
      Rejected rejected = assertInstanceOf(Rejected.class, result);
      assertEquals(ReverseFailure.valueOf(reason), rejected.reason());
      assertTrue(!rejected.message().isBlank() && rejected.message().indexOf('\n') < 0);
    }
  }

  @Test
  void invalidConfigurationsAreRejectedWithTheirReason() {
    SrsConfig defaults = config("s");
    assertThrows(IllegalArgumentException.class, () -> defaults.withHashLength(28, 4));
    assertThrows(IllegalArgumentException.class, () -> defaults.withHashLength(3, 4));
    assertThrows(IllegalArgumentException.class, () -> defaults.withMaxAgeDays(1024));
    assertThrows(IllegalArgumentException.class, () -> config());
    assertThrows(IllegalArgumentException.class, () -> config(""));
    assertThrows(
        IllegalArgumentException.class, () -> notesCodec().forward("a@b.example", "bad@domain"));
  }
}
