package io.postwarden.srs.codec;

import io.postwarden.srs.codec.ForwardResult.Refused;
import io.postwarden.srs.codec.ForwardResult.Rewritten;
import io.postwarden.srs.codec.ReverseResult.Rejected;
import io.postwarden.srs.codec.ReverseResult.Reversed;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;

/**
 * Rewrites senders into SRS addresses and back, exactly as PostSRSd and Mail::SRS do, so either can
 * verify what the other wrote. Thread-safe. Today's date comes from the injected clock only.
 *
 * <p>Where the references disagree, it follows PostSRSd: only the first hash-length characters of a
 * longer hash count (Mail::SRS compares them all). Where they are unsound, it is stricter than
 * both: it checks the hash before the timestamp (Mail::SRS's order, so a forgery reports {@link
 * ReverseFailure#BAD_HASH}, not {@link ReverseFailure#EXPIRED} as PostSRSd would), it never writes
 * a local part over 64 octets, it refuses senders it could not reverse to the same address, and it
 * does not reverse SRS addresses without a domain.
 */
public final class SrsCodec {

  /**
   * RFC 5321, 4.5.3.1.1; receivers that enforce it refuse the mail. See
   * docs/decisions/0005-srs-long-local-parts.md.
   */
  static final int MAX_LOCAL_PART_OCTETS = 64;

  private static final long SECONDS_PER_DAY = 86_400;

  /**
   * 26 characters: with the longest hash (27) the SRS0 local part of {@code KEY@1} is exactly 64
   * octets.
   */
  public static final int STORE_KEY_LENGTH = 26;

  private static final String BASE32HEX = "0123456789ABCDEFGHIJKLMNOPQRSTUV";

  private final SrsConfig config;
  private final SrsHasher hasher;
  private final Clock clock;

  public SrsCodec(SrsConfig config, Clock clock) {
    this.config = Objects.requireNonNull(config, "config");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.hasher = new SrsHasher(config);
  }

  /**
   * Rewrites an envelope sender into our SRS domain: a plain address becomes SRS0, an SRS0 or SRS1
   * address becomes SRS1 (re-signed, still pointing at the first forwarder). Always rewrites;
   * whether to is the policy's decision. (PostSRSd leaves alone senders in the SRS domain, and SRS
   * addresses that {@link #reverse} accepts, answering "Already rewritten".)
   *
   * @param sender an octet string with a local part and a domain
   * @param srsDomain the domain the rewritten address belongs to
   */
  public ForwardResult forward(String sender, String srsDomain) {
    requireUsableDomain(srsDomain);
    Mailbox mailbox = Mailbox.split(sender);
    Optional<String> problem = senderProblem(sender, mailbox);
    if (problem.isPresent()) {
      return new Refused(ForwardRefusal.MALFORMED, problem.get());
    }
    String localPart;
    try {
      localPart = rewrittenLocalPart(mailbox);
    } catch (MalformedSrsException e) {
      return new Refused(ForwardRefusal.MALFORMED, e.getMessage());
    }
    if (localPart.length() > MAX_LOCAL_PART_OCTETS) {
      return new Refused(
          ForwardRefusal.LOCAL_PART_TOO_LONG,
          "the SRS local part would be "
              + localPart.length()
              + " octets, receivers refuse more than "
              + MAX_LOCAL_PART_OCTETS);
    }
    return new Rewritten(localPart + '@' + srsDomain);
  }

  /**
   * Reverses an SRS address: SRS0 to the original sender, SRS1 to the first forwarder's SRS0
   * address. Accepts any case, any of the three separators and both hash alphabets. Ignores the
   * domain part, like the references, but reports it.
   */
  public ReverseResult reverse(String address) {
    Mailbox mailbox = Mailbox.split(address);
    String domain = mailbox.domain();
    Optional<SrsTag> tag = SrsTag.of(mailbox.localPart());
    if (tag.isEmpty()) {
      return new Rejected(ReverseFailure.NOT_SRS, "not an SRS address", domain);
    }
    if (!Octets.isOctetString(address)) {
      return new Rejected(
          ReverseFailure.MALFORMED, "SRS address has characters above 0xFF", domain);
    }
    if (domain.isEmpty()) {
      return new Rejected(ReverseFailure.MALFORMED, "SRS address has no domain", domain);
    }
    try {
      return switch (tag.get()) {
        case SRS0 -> reverse(Srs0LocalPart.parse(mailbox.localPart()), domain);
        case SRS1 -> reverse(Srs1LocalPart.parse(mailbox.localPart()), domain);
      };
    } catch (MalformedSrsException e) {
      return new Rejected(ReverseFailure.MALFORMED, e.getMessage(), domain);
    }
  }

  /**
   * The key under which a sender too long to rewrite is stored
   * (docs/decisions/0023-srs-long-sender-store.md): {@link #STORE_KEY_LENGTH} base32hex characters
   * (130 bits) of HMAC-SHA1 under the signing secret. Only we can tell which key a sender gets, and
   * the same sender always gets the same key. Upper case, like PostSRSd's keys; {@code STORE_KEY@1}
   * then forwards as an SRS0 address that fits in 64 octets whatever the hash length.
   */
  public String storeKey(String sender) {
    byte[] digest =
        hasher.signingDigest(
            ("postwarden store key\0" + sender).getBytes(StandardCharsets.ISO_8859_1));
    StringBuilder key = new StringBuilder(STORE_KEY_LENGTH);
    for (int bit = 0; key.length() < STORE_KEY_LENGTH; bit += 5) {
      int twoBytes = (digest[bit / 8] & 0xFF) << 8 | (digest[bit / 8 + 1] & 0xFF);
      key.append(BASE32HEX.charAt(twoBytes >>> (11 - bit % 8) & 31));
    }
    return key.toString();
  }

  private String rewrittenLocalPart(Mailbox sender) throws MalformedSrsException {
    String localPart = sender.localPart();
    Optional<SrsTag> tag = SrsTag.of(localPart);
    if (tag.isEmpty()) {
      DayStamp today = DayStamp.forDay(today());
      return Srs0LocalPart.signed(hasher, config.separator(), today, sender.domain(), localPart)
          .text();
    }
    return switch (tag.get()) {
      case SRS0 ->
          Srs1LocalPart.signed(
                  hasher, config.separator(), sender.domain(), SrsTag.afterTag(localPart))
              .text();
      case SRS1 -> {
        Srs1LocalPart previous = Srs1LocalPart.parse(localPart);
        yield Srs1LocalPart.signed(
                hasher, config.separator(), previous.srs0Host(), previous.srs0Rest())
            .text();
      }
    };
  }

  private ReverseResult reverse(Srs0LocalPart srs0, String domain) {
    SrsHasher.Check check = srs0.checkHash(hasher);
    if (check != SrsHasher.Check.VALID) {
      return hashRejected(check, srs0.hash(), domain);
    }
    int age = srs0.stamp().ageOn(today());
    if (age > config.maxAgeDays()) {
      return new Rejected(
          ReverseFailure.EXPIRED,
          "SRS timestamp "
              + srs0.stamp().text()
              + " is "
              + age
              + " days old (stamps repeat every 1024 days), more than the "
              + config.maxAgeDays()
              + " allowed",
          domain);
    }
    return new Reversed(srs0.originalAddress(), domain);
  }

  private ReverseResult reverse(Srs1LocalPart srs1, String domain) {
    SrsHasher.Check check = srs1.checkHash(hasher);
    if (check != SrsHasher.Check.VALID) {
      return hashRejected(check, srs1.hash(), domain);
    }
    return new Reversed(srs1.srs0Address(), domain);
  }

  private Rejected hashRejected(SrsHasher.Check check, String hash, String domain) {
    // The message leaves the hash out: it is whatever the sender of the bounce chose to put there.
    if (check == SrsHasher.Check.TOO_SHORT) {
      return new Rejected(
          ReverseFailure.HASH_TOO_SHORT,
          "SRS hash has "
              + hash.length()
              + " characters, fewer than the "
              + config.hashMinimum()
              + " required",
          domain);
    }
    return new Rejected(
        ReverseFailure.BAD_HASH,
        "SRS hash matches none of the "
            + config.secrets().count()
            + " configured secrets: forged, altered, or signed with a removed secret",
        domain);
  }

  private long today() {
    return Math.floorDiv(clock.instant().getEpochSecond(), SECONDS_PER_DAY);
  }

  private static Optional<String> senderProblem(String sender, Mailbox mailbox) {
    if (!Octets.isOctetString(sender)) {
      return Optional.of("sender has characters above 0xFF; addresses must be octet strings");
    }
    if (mailbox.domain().isEmpty()) {
      return Optional.of("sender has no domain");
    }
    if (mailbox.localPart().isEmpty()) {
      return Optional.of("sender has an empty local part");
    }
    if (mailbox.localPart().indexOf('@') >= 0) {
      // Reverse could not tell which '@' ends the local part (PostSRSd splits at the first one).
      return Optional.of("sender local part contains '@'");
    }
    if (mailbox.domain().indexOf('=') >= 0) {
      // The domain is an SRS field, and '=' separates the fields.
      return Optional.of("sender domain contains '='");
    }
    return Optional.empty();
  }

  private static void requireUsableDomain(String srsDomain) {
    if (srsDomain.isEmpty() || srsDomain.indexOf('@') >= 0 || !Octets.isOctetString(srsDomain)) {
      throw new IllegalArgumentException("not a usable SRS domain: '" + srsDomain + "'");
    }
  }
}
