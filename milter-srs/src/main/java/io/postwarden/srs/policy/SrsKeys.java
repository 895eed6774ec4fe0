package io.postwarden.srs.policy;

import io.netty.util.NetUtil;
import io.postwarden.core.config.ConfigKey;
import io.postwarden.core.config.ConfigSchema;
import io.postwarden.srs.codec.HashAlphabet;
import io.postwarden.srs.codec.SrsSeparator;
import io.postwarden.srs.longsender.LongSenderKeys;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/** SRS settings, under PostSRSd 2's names wherever the meaning is the same. */
public final class SrsKeys {

  public static final ConfigKey<String> SRS_DOMAIN =
      ConfigKey.string(
          "srs-domain",
          "",
          "Domain of the SRS addresses we write (its MX must be this server). Empty: the first of domains; "
              + "both empty: SRS is off.");

  public static final ConfigKey<List<String>> DOMAINS =
      ConfigKey.list(
          "domains",
          List.of(),
          "Domains this server sends for: their senders are never rewritten. .example.com means every subdomain.");

  public static final ConfigKey<String> DOMAINS_FILE =
      ConfigKey.string(
          "domains-file",
          "",
          "More domains, one per line (# comments); re-read when it changes. Empty: none.");

  public static final ConfigKey<List<String>> SRS_DOMAIN_MAP =
      ConfigKey.list(
              "srs-domain-map",
              List.of(),
              "Per hosted domain, the SRS domain its forwards use, as RECIPIENT-DOMAIN=SRS-DOMAIN: a message takes the one of "
                  + "its first leaving recipient with an entry, else srs-domain. Every SRS domain named is reversed and "
                  + "guarded like srs-domain (ADR 0024). Milter path only: the forward lookup table sees no recipients.")
          .validatedBy(SrsDomains::parseEntries);

  public static final ConfigKey<String> SRS_DOMAIN_MAP_FILE =
      ConfigKey.string(
          "srs-domain-map-file",
          "",
          "More srs-domain-map entries, one per line as RECIPIENT-DOMAIN SRS-DOMAIN (# comments); re-read when it "
              + "changes. Empty: none.");

  public static final ConfigKey<Path> SECRETS_FILE =
      ConfigKey.path(
          "secrets-file",
          Path.of("/var/lib/postwarden/srs.secret"),
          "PostSRSd-format secrets, one per line: the first signs, all verify. Created with a random secret if "
              + "missing; re-read when it changes.");

  public static final ConfigKey<SrsSeparator> SEPARATOR =
      ConfigKey.of(
          "separator",
          SrsSeparator.EQUALS,
          SrsKeys::separator,
          "Character after SRS0/SRS1 in addresses we write: =, + or -. All three are read.");

  public static final ConfigKey<Integer> HASH_LENGTH =
      ConfigKey.integer(
          "hash-length",
          8,
          1,
          27,
          "Hash characters in addresses we write. PostSRSd writes 4, which falls to guessing (ADR 0012).");

  public static final ConfigKey<Integer> HASH_MINIMUM =
      ConfigKey.integer(
          "hash-minimum",
          8,
          1,
          27,
          "Fewest hash characters accepted in a bounce address; at most hash-length. Coming from PostSRSd: 4 for "
              + "21 days after switching, so its outstanding addresses still reverse, then 8.");

  public static final ConfigKey<HashAlphabet> HASH_ALPHABET =
      ConfigKey.of(
          "hash-alphabet",
          HashAlphabet.BASE64URL,
          SrsKeys::alphabet,
          "base64url (PostSRSd >= 2.2.6: no / or + in local parts, which some receivers refuse) or "
              + "base64 (Mail::SRS, PostSRSd 1.x). Both are read.");

  public static final ConfigKey<Boolean> ALWAYS_REWRITE =
      ConfigKey.bool(
          "always-rewrite",
          false,
          "Rewrite every sender not in our domains, whatever the recipients. Off: only when a copy leaves this "
              + "server.");

  public static final ConfigKey<Boolean> REWRITE_AUTHENTICATED =
      ConfigKey.bool(
          "rewrite-authenticated",
          true,
          "Rewrite a foreign sender address used by a SASL-authenticated client (its SPF would fail otherwise).");

  public static final ConfigKey<Boolean> NULL_SENDER_ONLY =
      ConfigKey.bool(
          "srs-null-sender-only",
          true,
          "Our SRS addresses accept only the null sender (bounces, RFC 3834 auto-replies); other senders get 550 5.7.1. "
              + "false: any sender, as PostSRSd; anyone holding one of our SRS addresses can then relay mail through us "
              + "to its original sender (ADR 0011).");

  public static final ConfigKey<Integer> THROTTLE_AFTER =
      ConfigKey.integer(
          "srs-throttle-after",
          5,
          0,
          1000,
          "Invalid SRS recipients one client (IPv4 address, IPv6 /64) may present within srs-throttle-window before all "
              + "its SRS recipients, valid or not, get 451 4.7.1 for srs-throttle-time. 0: off (the RCPT reply then tells "
              + "a guessed hash from a wrong one).");

  public static final ConfigKey<Duration> THROTTLE_WINDOW =
      ConfigKey.duration(
          "srs-throttle-window",
          Duration.ofMinutes(10),
          "How far back srs-throttle-after counts invalid SRS recipients.");

  public static final ConfigKey<Duration> THROTTLE_TIME =
      ConfigKey.duration(
          "srs-throttle-time",
          Duration.ofMinutes(15),
          "How long a throttled client's SRS recipients are deferred; real bounces retry after.");

  public static final ConfigKey<Integer> THROTTLE_CLIENTS =
      ConfigKey.integer(
          "srs-throttle-clients",
          10_000,
          1,
          10_000_000,
          "Most clients the throttle remembers; the least recently seen is forgotten first.");

  public static final ConfigKey<Boolean> REWRITE_IN_MILTER =
      ConfigKey.bool(
          "srs-rewrite-in-milter",
          true,
          "The milter rewrites senders and swaps bounce recipients. false when Postfix's canonical maps rewrite through "
              + "Postwarden's lookup tables (the fast path, ADR 0017): the milter then only refuses at RCPT (forged, "
              + "expired, non-null sender, throttle), so nothing is rewritten twice.");

  public static final ConfigKey<Boolean> FORWARD_CLEANUP =
      ConfigKey.bool(
          "srs-forward-cleanup",
          false,
          "true when Postfix's master.cf sends local(8)'s forwards (alias_maps, ~/.forward, :include:) through a "
              + "cleanup service whose sender_canonical_maps is Postwarden's forward table (README, ADR 0028): the "
              + "milter then rewrites only for recipients that leave directly (relay, virtual aliases), and the "
              + "copies delivered here keep their sender. Without that master.cf setup, forwarded mail fails SPF.");

  public static final ConfigKey<Boolean> LAZY =
      ConfigKey.bool(
          "srs-lazy",
          false,
          "Lazy SRS: a forwarded message keeps its sender when that domain's SPF gives pass for every one of "
              + "srs-outbound-addresses (so the next hop's SPF passes anyway). Anything else, a DNS failure or timeout "
              + "included, means rewrite. Milter path only; DNS is asked from the policy workers (ADR 0025).");

  public static final ConfigKey<List<String>> OUTBOUND_ADDRESSES =
      ConfigKey.list(
              "srs-outbound-addresses",
              List.of(),
              "The IPv4 and IPv6 addresses this server's forwarded mail leaves from (all of them, NAT included), "
                  + "for srs-lazy.")
          .validatedBy(SrsKeys::ipLiterals);

  public static final ConfigKey<Duration> LAZY_TIMEOUT =
      ConfigKey.duration(
              "srs-lazy-timeout",
              Duration.ofSeconds(3),
              "Longest one SPF check may take, all its DNS questions together; past it the sender is "
                  + "rewritten. Counts against policy-timeout, with the Postfix lookups of the same message.")
          .validatedBy(
              d -> {
                if (d.isNegative() || d.isZero() || d.compareTo(Duration.ofSeconds(10)) > 0) {
                  throw new IllegalArgumentException(
                      "expected more than 0s and at most 10s, got " + d.toMillis() + "ms");
                }
              });

  public static final ConfigKey<String> LAZY_DNS_SERVER =
      ConfigKey.string(
          "srs-lazy-dns-server",
          "",
          "The DNS server srs-lazy asks, HOST or HOST:PORT ([V6]:PORT). Empty: the system's (/etc/resolv.conf).");

  public static final ConfigKey<Integer> LAZY_CACHE_SIZE =
      ConfigKey.integer(
          "srs-lazy-cache-size",
          10_000,
          1,
          10_000_000,
          "Most SPF outcomes srs-lazy remembers (each for its DNS TTL, at most 1h; a DNS failure 1m).");

  public static final ConfigKey<String> POSTFIX_CONFIG_DIR =
      ConfigKey.string(
          "postfix-config-dir",
          "/etc/postfix",
          "Postfix configuration whose aliases and domains tell where a recipient's mail goes. "
              + "Empty: a recipient outside our domains leaves, any other stays.");

  public static final ConfigKey<Duration> POSTFIX_MAP_CACHE =
      ConfigKey.duration(
          "postfix-map-cache",
          Duration.ofSeconds(10),
          "How long an answer from a Postfix map with no file behind it (mysql, pgsql, ldap, "
              + "sqlite, tcp, socketmap …) is reused for recipient routing. Answers from file maps (hash, lmdb, texthash, "
              + "regexp, pcre …) are reused until the file changes. 0: ask such maps anew for each message, a process "
              + "start each (ADR 0020).");

  public static final ConfigKey<Boolean> FROM_REPAIR =
      ConfigKey.bool(
          "from-repair",
          true,
          "Decode SRS addresses (ours or PostSRSd's, by the secrets) found in From:, and add a From: to messages "
              + "without one, so no message leaves with an SRS address in From:.");

  public static final ConfigKey<String> NULL_SENDER_FROM =
      ConfigKey.string(
          "null-sender-from",
          "",
          "Address for an added From: when the envelope sender is null. Empty: MAILER-DAEMON@ Postfix's myhostname.");

  public static final ConfigSchema SCHEMA =
      ConfigSchema.of(
              SRS_DOMAIN,
              DOMAINS,
              DOMAINS_FILE,
              SRS_DOMAIN_MAP,
              SRS_DOMAIN_MAP_FILE,
              SECRETS_FILE,
              SEPARATOR,
              HASH_LENGTH,
              HASH_MINIMUM,
              HASH_ALPHABET,
              ALWAYS_REWRITE,
              REWRITE_AUTHENTICATED,
              NULL_SENDER_ONLY,
              THROTTLE_AFTER,
              THROTTLE_WINDOW,
              THROTTLE_TIME,
              THROTTLE_CLIENTS,
              REWRITE_IN_MILTER,
              FORWARD_CLEANUP,
              LAZY,
              OUTBOUND_ADDRESSES,
              LAZY_TIMEOUT,
              LAZY_DNS_SERVER,
              LAZY_CACHE_SIZE,
              POSTFIX_CONFIG_DIR,
              POSTFIX_MAP_CACHE,
              FROM_REPAIR,
              NULL_SENDER_FROM)
          .plus(LongSenderKeys.SCHEMA);

  private SrsKeys() {}

  /** The outbound addresses as addresses. */
  public static List<InetAddress> outboundAddresses(List<String> literals) {
    return literals.stream().map(SrsKeys::ipAddress).toList();
  }

  /** An IPv4 or IPv6 literal as an address; no name is looked up. */
  public static InetAddress ipAddress(String literal) {
    byte[] octets = NetUtil.createByteArrayFromIpAddressString(literal);
    if (octets == null) {
      throw new IllegalArgumentException(
          "expected an IPv4 or IPv6 address, got \"" + literal + "\"");
    }
    try {
      return InetAddress.getByAddress(octets);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  private static void ipLiterals(List<String> literals) {
    outboundAddresses(literals);
  }

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
      default ->
          throw new IllegalArgumentException("expected base64url or base64, got \"" + value + "\"");
    };
  }
}
