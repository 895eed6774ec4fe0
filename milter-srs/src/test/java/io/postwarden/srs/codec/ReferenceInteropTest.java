package io.postwarden.srs.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.postwarden.srs.codec.ForwardResult.Refused;
import io.postwarden.srs.codec.ForwardResult.Rewritten;
import io.postwarden.srs.codec.ReverseResult.Reversed;
import io.postwarden.srs.secrets.SecretsFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs PostSRSd 1.10 and Mail::SRS live, under faketime at a random frozen instant, on fresh random
 * senders and a random configuration, and checks both directions: what we write they reverse, and
 * what they write we reverse. The secrets reach PostSRSd through a messily formatted secrets file
 * that our {@link SecretsFile} reads too.
 */
class ReferenceInteropTest {

  private static final String SRS_DOMAIN = "srs.example.net";
  private static final int SENDERS = 150;

  @TempDir Path directory;

  @BeforeAll
  static void referencesAreInstalled() throws InterruptedException {
    RequiredTools.check();
  }

  @Test
  void weAndTheReferencesReverseWhatEachOtherWrites() throws Exception {
    long seed = new Random().nextLong();
    Random random = new Random(seed);
    String context = "random seed " + seed;

    Instant now =
        Instant.ofEpochSecond(978_307_200L + (long) (random.nextDouble() * 1_135_000_000L));
    // A leading space, '#', '=', ',': secrets are not trimmed, have no comments, and are bytes.
    List<String> secrets =
        List.of(
            " " + randomText(random, "abcdefghijklmnopqrstuvwxyz0123456789 +/=#,", 20),
            randomText(random, "ABCDEFGHIJKLMNOPQRSTUVWXYZ!$%&()*", 12));
    Path secretsFile = directory.resolve("postsrsd.secret");
    // CRLF, blank lines, a leading CR: PostSRSd and SecretsFile must still agree on the secrets.
    Files.write(
        secretsFile,
        ("\r\n" + secrets.get(0) + "\r\n\n\r" + secrets.get(1) + "\n")
            .getBytes(StandardCharsets.ISO_8859_1));
    int hashLength = 4 + random.nextInt(5);
    SrsConfig config =
        SrsConfig.defaults(SecretsFile.read(secretsFile))
            .withSeparator(SrsSeparator.values()[random.nextInt(3)])
            .withHashLength(hashLength, random.nextBoolean() ? 4 : hashLength);
    context +=
        ", clock "
            + now
            + ", "
            + config.separator()
            + ", hash "
            + hashLength
            + "/"
            + config.hashMinimum();
    SrsCodec ours = new SrsCodec(config, Clock.fixed(now, ZoneOffset.UTC));
    SrsCodec otherForwarder =
        new SrsCodec(
            TestCodecs.config("another forwarder's secret"), Clock.fixed(now, ZoneOffset.UTC));
    SrsCodec beforeRotation =
        new SrsCodec(
            config.withSecrets(TestCodecs.secrets(secrets.get(1))),
            Clock.fixed(now, ZoneOffset.UTC));

    try (PostSrsdDaemon postsrsd = PostSrsdDaemon.start(now, secretsFile, SRS_DOMAIN, config);
        MailSrsOracle mailSrs = MailSrsOracle.start(now, SRS_DOMAIN)) {
      for (int i = 0; i < SENDERS; i++) {
        String sender = randomSender(random);
        if (i % 3 == 0) {
          // Already SRS0 elsewhere: forwarded as SRS1 and reversed to that SRS0 address.
          ForwardResult srs0 = otherForwarder.forward(sender, "fwd1.example");
          if (srs0 instanceof Rewritten rewritten) {
            sender = rewritten.address();
          }
        }
        String what = context + ", sender " + PercentEncoding.encode(sender);
        ReferenceAnswer byPostSrsd = postsrsd.forward(sender);
        ReferenceAnswer byMailSrs = mailSrs.forward(secrets, config, sender);
        assertEquals(byPostSrsd, byMailSrs, what);

        ForwardResult forwarded = ours.forward(sender, SRS_DOMAIN);
        if (forwarded instanceof Refused refused) {
          assertEquals(ForwardRefusal.LOCAL_PART_TOO_LONG, refused.reason(), what);
          assertTrue(byPostSrsd.address().indexOf('@') > SrsCodec.MAX_LOCAL_PART_OCTETS, what);
          continue;
        }
        String address = assertInstanceOf(Rewritten.class, forwarded, what).address();
        assertEquals(byPostSrsd.address(), address, what);

        // SRS0 reverses to the sender, SRS1 to the other forwarder's SRS0 address, which is the
        // sender too.
        String original =
            assertInstanceOf(Reversed.class, ours.reverse(byPostSrsd.address()), what).address();
        assertEquals(sender, original, what);
        assertEquals(sender, postsrsd.reverse(address).address(), what);
        assertEquals(sender, mailSrs.reverse(secrets, config, address).address(), what);
        if (beforeRotation.forward(sender, SRS_DOMAIN)
            instanceof Rewritten signedWithSecondSecret) {
          assertEquals(sender, postsrsd.reverse(signedWithSecondSecret.address()).address(), what);
          assertEquals(
              new Reversed(sender, SRS_DOMAIN), ours.reverse(signedWithSecondSecret.address()));
        }
        // A receiver smashed the case: both still reverse it, to the same (SRS1: SRS0-tagged)
        // address.
        String lowerCased = TestAddresses.asciiLowerCase(address);
        String smashed = assertInstanceOf(Reversed.class, ours.reverse(lowerCased), what).address();
        assertEquals(postsrsd.reverse(lowerCased).address(), smashed, what);
        assertEquals(
            TestAddresses.asciiLowerCase(original), TestAddresses.asciiLowerCase(smashed), what);
      }
    }
  }

  private static String randomSender(Random random) {
    // One in ten is long enough to exceed 64 octets once rewritten.
    int maxLength = random.nextInt(10) == 0 ? 60 : 20;
    String localPart =
        randomText(random, TestAddresses.LOCAL_PART_CHARS, 1 + random.nextInt(maxLength));
    String domain =
        random
            .ints(1 + random.nextInt(3), 0, Integer.MAX_VALUE)
            .mapToObj(
                ignored ->
                    randomText(random, TestAddresses.DOMAIN_LABEL_CHARS, 1 + random.nextInt(10)))
            .collect(Collectors.joining("."));
    return localPart + '@' + domain;
  }

  private static String randomText(Random random, String alphabet, int length) {
    StringBuilder text = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      text.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return text.toString();
  }
}
