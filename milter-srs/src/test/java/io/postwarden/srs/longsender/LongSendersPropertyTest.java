package io.postwarden.srs.longsender;

import static org.junit.jupiter.api.Assertions.*;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.postwarden.srs.codec.ForwardRefusal;
import io.postwarden.srs.codec.ForwardResult;
import io.postwarden.srs.codec.HashAlphabet;
import io.postwarden.srs.codec.ReverseResult;
import io.postwarden.srs.codec.SrsCodec;
import io.postwarden.srs.codec.SrsConfig;
import io.postwarden.srs.codec.SrsSecrets;
import io.postwarden.srs.codec.SrsSeparator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
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
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Forward then reverse through a real SQLite store gives back every long sender, whatever the hash
 * settings.
 */
class LongSendersPropertyTest {

  private static final String SRS_DOMAIN = "srs.example.net";
  private static final String LOCAL_PART_CHARS =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
          + "!#$%&'*+-/=?^_`{|}~.\u00e9\u00ff";
  private static final String LABEL_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789-";
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-11-30T10:00:00Z"), ZoneOffset.UTC);
  private static Path dir;
  private static SqliteSenderStore store;
  private static LongSenders longSenders;

  @BeforeContainer
  static void openStore() throws Exception {
    dir = Files.createTempDirectory("long-senders-");
    store =
        SqliteSenderStore.open(
            dir.resolve("senders.sqlite"), new StoreLimits(1_000_000, 1_000_000), CLOCK);
    longSenders = new LongSenders(store, new StoreMetrics(new SimpleMeterRegistry()), CLOCK);
  }

  @AfterContainer
  static void closeStore() throws Exception {
    store.close();
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    }
  }

  @Provide
  Arbitrary<String> longSenders() {
    Arbitrary<String> localPart =
        Arbitraries.strings()
            .withChars(LOCAL_PART_CHARS.toCharArray())
            .ofMinLength(30)
            .ofMaxLength(200)
            .filter(user -> !user.regionMatches(true, 0, "SRS", 0, 3));
    Arbitrary<String> domain =
        Arbitraries.strings()
            .withChars(LABEL_CHARS.toCharArray())
            .ofMinLength(1)
            .ofMaxLength(20)
            .list()
            .ofMinSize(1)
            .ofMaxSize(4)
            .map(labels -> String.join(".", labels));
    return Combinators.combine(localPart, domain).as((user, host) -> user + '@' + host);
  }

  @Property(tries = 300)
  void everyLongSenderComesBackFromItsShortAddress(
      @ForAll("longSenders") String sender,
      @ForAll @IntRange(min = 1, max = 27) int hashLength,
      @ForAll SrsSeparator separator,
      @ForAll HashAlphabet alphabet) {
    SrsCodec codec =
        new SrsCodec(
            SrsConfig.defaults(
                    SrsSecrets.of(
                        List.of(
                            "a-secret-of-at-least-16-bytes".getBytes(StandardCharsets.US_ASCII))))
                .withSeparator(separator)
                .withHashLength(hashLength, hashLength)
                .withAlphabet(alphabet),
            CLOCK);
    ForwardResult plain = codec.forward(sender, SRS_DOMAIN);
    if (!(plain instanceof ForwardResult.Refused tooLong)) {
      return; // fits without the store: nothing to store
    }
    assertEquals(ForwardRefusal.LOCAL_PART_TOO_LONG, tooLong.reason());
    String address =
        assertInstanceOf(
                ForwardResult.Rewritten.class,
                longSenders.forward(codec, sender, SRS_DOMAIN, tooLong))
            .address();
    assertTrue(LongSendersTest.localPart(address).length() <= 64, address);
    for (String bounce : List.of(address, address.toLowerCase(java.util.Locale.ROOT))) {
      ReverseResult.Reversed reversed =
          assertInstanceOf(ReverseResult.Reversed.class, codec.reverse(bounce), bounce);
      assertEquals(
          new ReverseResult.Reversed(sender, SRS_DOMAIN), longSenders.resolve(reversed), bounce);
    }
  }
}
