package io.postwarden.srs.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.postwarden.srs.codec.ForwardResult.Refused;
import io.postwarden.srs.codec.ForwardResult.Rewritten;
import io.postwarden.srs.codec.ReverseResult.Rejected;
import io.postwarden.srs.codec.ReverseResult.Reversed;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

class SrsCodecPropertyTest {

  private static final String SRS_DOMAIN = "srs.example.net";

  @Provide
  Arbitrary<String> senders() {
    Arbitrary<String> localPart =
        Arbitraries.strings()
            .withChars(TestAddresses.LOCAL_PART_CHARS.toCharArray())
            .ofMinLength(1)
            .ofMaxLength(24);
    Arbitrary<String> label =
        Arbitraries.strings()
            .withChars(TestAddresses.DOMAIN_LABEL_CHARS.toCharArray())
            .ofMinLength(1)
            .ofMaxLength(10);
    Arbitrary<String> domain =
        label.list().ofMinSize(1).ofMaxSize(3).map(labels -> String.join(".", labels));
    return Combinators.combine(localPart, domain)
        .as((user, host) -> user + '@' + host)
        .filter(sender -> SrsTag.of(sender).isEmpty());
  }

  @Provide
  Arbitrary<SrsConfig> configs() {
    return configs(Arbitraries.integers().between(1, 3));
  }

  /** One secret only: a tampered hash cannot then match another secret by chance. */
  @Provide
  Arbitrary<SrsConfig> singleSecretConfigs() {
    return configs(Arbitraries.just(1));
  }

  private static Arbitrary<SrsConfig> configs(Arbitrary<Integer> secretCount) {
    Arbitrary<byte[]> secret = Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(40);
    Arbitrary<List<byte[]>> secrets = secretCount.flatMap(count -> secret.list().ofSize(count));
    Arbitrary<int[]> lengths =
        Arbitraries.integers()
            .between(1, SrsConfig.MAX_HASH_LENGTH)
            .flatMap(
                length ->
                    Arbitraries.integers().between(1, length).map(min -> new int[] {length, min}));
    return Combinators.combine(
            secrets,
            Arbitraries.of(SrsSeparator.class),
            lengths,
            Arbitraries.of(HashAlphabet.class))
        .as(
            (keys, separator, hash, alphabet) ->
                SrsConfig.defaults(SrsSecrets.of(keys))
                    .withSeparator(separator)
                    .withHashLength(hash[0], hash[1])
                    .withAlphabet(alphabet));
  }

  @Provide
  Arbitrary<Instant> instants() {
    return Arbitraries.longs().between(0, 40_000L * 86_400).map(Instant::ofEpochSecond);
  }

  private static SrsCodec codec(SrsConfig config, Instant now) {
    return new SrsCodec(config, Clock.fixed(now, ZoneOffset.UTC));
  }

  /**
   * The rewritten address, or null if it would exceed 64 octets (then checked to be the only
   * reason).
   */
  private static String forwarded(SrsConfig config, Instant now, String sender) {
    ForwardResult result = codec(config, now).forward(sender, SRS_DOMAIN);
    if (result instanceof Refused refused) {
      int srs0Length = "SRS0=".length() + config.hashLength() + "=TT==".length() + sender.length();
      assertEquals(ForwardRefusal.LOCAL_PART_TOO_LONG, refused.reason(), refused.message());
      assertTrue(srs0Length > SrsCodec.MAX_LOCAL_PART_OCTETS, refused.message());
      return null;
    }
    String address = assertInstanceOf(Rewritten.class, result).address();
    assertTrue(address.lastIndexOf('@') <= SrsCodec.MAX_LOCAL_PART_OCTETS, address);
    return address;
  }

  @Property
  void forwardThenReverseReturnsTheOriginalWithinTheValidity(
      @ForAll("senders") String sender,
      @ForAll("configs") SrsConfig config,
      @ForAll("instants") Instant written,
      @ForAll @IntRange(min = 0, max = 21) int daysLater) {
    String address = forwarded(config, written, sender);
    Statistics.label("forward").collect(address == null ? "refused: too long" : "rewritten");
    if (address != null) {
      ReverseResult result =
          codec(config, written.plus(Duration.ofDays(daysLater))).reverse(address);
      assertEquals(new Reversed(sender, SRS_DOMAIN), result);
    }
    // Make sure the generators mostly produce addresses that fit, or the round trip would test
    // little.
    Statistics.label("forward")
        .coverage(coverage -> coverage.check("rewritten").percentage(p -> p > 80));
  }

  @Property
  void caseSmashingAndAnySeparatorStillReverse(
      @ForAll("senders") String sender,
      @ForAll("configs") SrsConfig config,
      @ForAll("instants") Instant now,
      @ForAll SrsSeparator other) {
    String address = forwarded(config, now, sender);
    if (address != null) {
      SrsCodec codec = codec(config, now);
      ReverseResult smashed = codec.reverse(TestAddresses.asciiLowerCase(address));
      assertEquals(
          TestAddresses.asciiLowerCase(sender),
          assertInstanceOf(Reversed.class, smashed).address());
      String otherSeparator = address.substring(0, 4) + other.symbol() + address.substring(5);
      assertEquals(
          sender, assertInstanceOf(Reversed.class, codec.reverse(otherSeparator)).address());
    }
  }

  @Property
  void srs1OfAnSrs0ReversesToThatSrs0(
      @ForAll("senders") String sender,
      @ForAll("configs") SrsConfig first,
      @ForAll("configs") SrsConfig second,
      @ForAll("instants") Instant now) {
    String srs0 = forwarded(first, now, sender);
    String srs1 =
        srs0 == null ? null : forwarded(second, now, srs0.replace(SRS_DOMAIN, "fwd1.example"));
    if (srs1 != null) {
      ReverseResult result = codec(second, now).reverse(srs1);
      assertEquals(
          srs0.replace(SRS_DOMAIN, "fwd1.example"),
          assertInstanceOf(Reversed.class, result).address());
    }
  }

  @Property
  void expiredAddressesDoNotReverse(
      @ForAll("senders") String sender,
      @ForAll("configs") SrsConfig config,
      @ForAll("instants") Instant written,
      @ForAll @IntRange(min = 22, max = 1023) int daysLater) {
    String address = forwarded(config, written, sender);
    if (address != null) {
      ReverseResult result =
          codec(config, written.plus(Duration.ofDays(daysLater))).reverse(address);
      assertEquals(ReverseFailure.EXPIRED, assertInstanceOf(Rejected.class, result).reason());
    }
  }

  @Property
  void aTamperedHashFails(
      @ForAll("senders") String sender,
      @ForAll("singleSecretConfigs") SrsConfig config,
      @ForAll("instants") Instant now,
      @ForAll @IntRange(min = 0, max = 26) int position,
      @ForAll @IntRange(min = 1, max = 35) int shift) {
    String address = forwarded(config, now, sender);
    if (address != null) {
      String hash = HashField.of(address);
      int at = Math.min(position, hash.length() - 1);
      String tampered =
          hash.substring(0, at)
              + differentCharacter(hash.charAt(at), shift)
              + hash.substring(at + 1);
      ReverseResult result = codec(config, now).reverse(HashField.replace(address, tampered));
      assertEquals(ReverseFailure.BAD_HASH, assertInstanceOf(Rejected.class, result).reason());
    }
  }

  /** A base64 character that differs from {@code c} even ignoring case and alphabet. */
  private static char differentCharacter(char c, int shift) {
    String classes = "abcdefghijklmnopqrstuvwxyz0123456789+/";
    char normalised = Octets.asciiLowerCase(c == '-' ? '+' : c == '_' ? '/' : c);
    return classes.charAt((classes.indexOf(normalised) + shift) % classes.length());
  }

  @Property
  void base64UrlHashesNeverContainPlusOrSlash(
      @ForAll("senders") String sender,
      @ForAll("configs") SrsConfig config,
      @ForAll("instants") Instant now) {
    String address = forwarded(config.withAlphabet(HashAlphabet.BASE64URL), now, sender);
    if (address != null) {
      String hash = HashField.of(address);
      assertFalse(hash.contains("+") || hash.contains("/"), hash);
      assertEquals(config.hashLength(), hash.length());
    }
  }
}
