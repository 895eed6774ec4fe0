package io.postwarden.srs.policy;

import io.postwarden.core.config.ConfigKey;
import io.postwarden.core.config.ConfigSchema;
import io.postwarden.srs.codec.HashAlphabet;
import io.postwarden.srs.codec.SrsSeparator;
import io.postwarden.srs.longsender.LongSenderKeys;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/** SRS settings, under PostSRSd 2's names wherever the meaning is the same. */
public final class SrsKeys {

  public static final ConfigKey<String> SRS_DOMAIN = ConfigKey.string("srs-domain", "",
      "Domain of the SRS addresses we write (its MX must be this server). Empty: the first of domains; "
          + "both empty: SRS is off.");

  public static final ConfigKey<List<String>> DOMAINS = ConfigKey.list("domains", List.of(),
      "Domains this server sends for: their senders are never rewritten. .example.com means every subdomain.");

  public static final ConfigKey<String> DOMAINS_FILE = ConfigKey.string("domains-file", "",
      "More domains, one per line (# comments); re-read when it changes. Empty: none.");

  public static final ConfigKey<Path> SECRETS_FILE = ConfigKey.path("secrets-file",
      Path.of("/var/lib/postwarden/srs.secret"),
      "PostSRSd-format secrets, one per line: the first signs, all verify. Created with a random secret if "
          + "missing; re-read when it changes.");

  public static final ConfigKey<SrsSeparator> SEPARATOR = ConfigKey.of("separator", SrsSeparator.EQUALS,
      SrsKeys::separator, "Character after SRS0/SRS1 in addresses we write: =, + or -. All three are read.");

  public static final ConfigKey<Integer> HASH_LENGTH = ConfigKey.integer("hash-length", 8, 1, 27,
      "Hash characters in addresses we write. PostSRSd writes 4, which falls to guessing (ADR 0012).");

  public static final ConfigKey<Integer> HASH_MINIMUM = ConfigKey.integer("hash-minimum", 8, 1, 27,
      "Fewest hash characters accepted in a bounce address; at most hash-length. Coming from PostSRSd: 4 for "
          + "21 days after switching, so its outstanding addresses still reverse, then 8.");

  public static final ConfigKey<HashAlphabet> HASH_ALPHABET = ConfigKey.of("hash-alphabet", HashAlphabet.BASE64URL,
      SrsKeys::alphabet, "base64url (PostSRSd >= 2.2.6: no / or + in local parts, which some receivers refuse) or "
          + "base64 (Mail::SRS, PostSRSd 1.x). Both are read.");

  public static final ConfigKey<Boolean> ALWAYS_REWRITE = ConfigKey.bool("always-rewrite", false,
      "Rewrite every sender not in our domains, whatever the recipients. Off: only when a copy leaves this "
          + "server.");

  public static final ConfigKey<Boolean> REWRITE_AUTHENTICATED = ConfigKey.bool("rewrite-authenticated", true,
      "Rewrite a foreign sender address used by a SASL-authenticated client (its SPF would fail otherwise).");

  public static final ConfigKey<Boolean> NULL_SENDER_ONLY = ConfigKey.bool("srs-null-sender-only", true,
      "Our SRS addresses accept only the null sender (bounces, RFC 3834 auto-replies); other senders get 550 5.7.1. "
          + "false: any sender, as PostSRSd; anyone holding one of our SRS addresses can then relay mail through us "
          + "to its original sender (ADR 0011).");

  public static final ConfigKey<Integer> THROTTLE_AFTER = ConfigKey.integer("srs-throttle-after", 5, 0, 1000,
      "Invalid SRS recipients one client (IPv4 address, IPv6 /64) may present within srs-throttle-window before all "
          + "its SRS recipients, valid or not, get 451 4.7.1 for srs-throttle-time. 0: off (the RCPT reply then tells "
          + "a guessed hash from a wrong one).");

  public static final ConfigKey<Duration> THROTTLE_WINDOW = ConfigKey.duration("srs-throttle-window",
      Duration.ofMinutes(10), "How far back srs-throttle-after counts invalid SRS recipients.");

  public static final ConfigKey<Duration> THROTTLE_TIME = ConfigKey.duration("srs-throttle-time",
      Duration.ofMinutes(15), "How long a throttled client's SRS recipients are deferred; real bounces retry after.");

  public static final ConfigKey<Integer> THROTTLE_CLIENTS = ConfigKey.integer("srs-throttle-clients", 10_000, 1,
      10_000_000, "Most clients the throttle remembers; the least recently seen is forgotten first.");

  public static final ConfigKey<Boolean> REWRITE_IN_MILTER = ConfigKey.bool("srs-rewrite-in-milter", true,
      "The milter rewrites senders and swaps bounce recipients. false when Postfix's canonical maps rewrite through "
          + "Postwarden's lookup tables (the fast path, ADR 0017): the milter then only refuses at RCPT (forged, "
          + "expired, non-null sender, throttle), so nothing is rewritten twice.");

  public static final ConfigKey<String> POSTFIX_CONFIG_DIR = ConfigKey.string("postfix-config-dir",
      "/etc/postfix", "Postfix configuration whose aliases and domains tell where a recipient's mail goes. "
          + "Empty: a recipient outside our domains leaves, any other stays.");

  public static final ConfigKey<Boolean> FROM_REPAIR = ConfigKey.bool("from-repair", true,
      "Decode SRS addresses (ours or PostSRSd's, by the secrets) found in From:, and add a From: to messages "
          + "without one, so no message leaves with an SRS address in From:.");

  public static final ConfigKey<String> NULL_SENDER_FROM = ConfigKey.string("null-sender-from", "",
      "Address for an added From: when the envelope sender is null. Empty: MAILER-DAEMON@ Postfix's myhostname.");

  public static final ConfigSchema SCHEMA = ConfigSchema.of(SRS_DOMAIN, DOMAINS, DOMAINS_FILE, SECRETS_FILE,
      SEPARATOR, HASH_LENGTH, HASH_MINIMUM, HASH_ALPHABET, ALWAYS_REWRITE, REWRITE_AUTHENTICATED,
      NULL_SENDER_ONLY, THROTTLE_AFTER, THROTTLE_WINDOW, THROTTLE_TIME, THROTTLE_CLIENTS, REWRITE_IN_MILTER,
      POSTFIX_CONFIG_DIR, FROM_REPAIR, NULL_SENDER_FROM).plus(LongSenderKeys.SCHEMA);

  private SrsKeys() {}

  private static SrsSeparator separator(String value) {
    if (value.length() == 1) {
      var separator = SrsSeparator.of(value.charAt(0));
      if (separator.isPresent()) {
        return separator.get();
      }
    }
    throw new IllegalArgumentException("expected =, + or -, got \"" + value + "\"");
  }

  private static HashAlphabet alphabet(String value) {
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "base64url" -> HashAlphabet.BASE64URL;
      case "base64" -> HashAlphabet.BASE64;
      default -> throw new IllegalArgumentException("expected base64url or base64, got \"" + value + "\"");
    };
  }
}
