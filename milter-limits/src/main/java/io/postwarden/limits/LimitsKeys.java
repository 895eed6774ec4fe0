package io.postwarden.limits;

import io.postwarden.core.config.ConfigKey;
import io.postwarden.core.config.ConfigSchema;
import io.postwarden.core.redis.RedisUri;
import io.postwarden.limits.key.KeyKind;
import io.postwarden.limits.rule.LimitRule;
import io.postwarden.limits.store.FailoverCounterStore.WhenUnavailable;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Settings of the sending limits. */
public final class LimitsKeys {

  private static final String RULES =
      " Each rule: \"messages|recipients COUNT/WINDOW [defer|hold] [cooldown DURATION]\" "
          + "(WINDOW and DURATION in s, m, h or d). SMTP clients over a defer rule get 451 4.7.1; sendmail(1) mail, and "
          + "any mail over a hold rule, goes to Postfix's hold queue.";

  public static final ConfigKey<Boolean> LIMITS =
      ConfigKey.bool(
          "limits",
          true,
          "Count what each sender sends and stop a sender over its limits (see limits-* and limits-file). false: count "
              + "nothing, stop nothing.");

  public static final ConfigKey<List<String>> SASL =
      rules(
          "limits-sasl",
          List.of("recipients 100/1m", "recipients 1000/1h", "recipients 5000/1d"),
          "Limits of each SASL user (authenticated SMTP).");

  public static final ConfigKey<List<String>> UNIX =
      rules(
          "limits-unix",
          List.of("recipients 100/1m", "recipients 1000/1h", "recipients 5000/1d"),
          "Limits of each Unix user submitting locally: through sendmail(1) (held when over), or over SMTP without "
              + "logging in where the guard allows it.");

  public static final ConfigKey<List<String>> DOMAIN =
      rules(
          "limits-domain",
          List.of("recipients 2000/1h", "recipients 10000/1d"),
          "Limits of each envelope sender domain, over all local and authenticated senders using it.");

  public static final ConfigKey<List<String>> CLIENT =
      rules(
          "limits-client",
          List.of(),
          "Limits of each unauthenticated remote client address (IPv6 by /64): mail arriving from the world.");

  public static final ConfigKey<List<String>> SERVER =
      rules(
          "limits-server",
          List.of(),
          "Limits of everything local and authenticated senders send through this server together.");

  public static final ConfigKey<String> LIMITS_FILE =
      ConfigKey.string(
          "limits-file",
          "",
          "A file of per-key limits that replace their kind's defaults, one key a line: \"sasl:USER RULE, RULE\", "
              + "\"unix:USER none\", \"domain:DOMAIN …\", \"client:ADDRESS …\", \"server …\". Re-read when it changes.");

  public static final ConfigKey<Integer> MAX_KEYS =
      ConfigKey.integer(
          "limits-max-keys",
          20_000,
          100,
          10_000_000,
          "Keys counted in memory per kind (about 300 bytes each). Beyond that, new keys of the kind share one budget "
              + "until old counts expire: memory stays bounded, and no count still running is forgotten.");

  public static final ConfigKey<String> CONTROL_SOCKET =
      ConfigKey.string(
          "limits-control-socket",
          "/var/lib/postwarden/limits.sock",
          "Unix socket (mode 0600, in a directory created 0700) where `postwarden limits status|reset` reach the running "
              + "daemon's counts; empty: none. Changing it needs a restart.");

  public static final ConfigKey<String> STATE_FILE =
      ConfigKey.string(
          "limits-state-file",
          "/var/lib/postwarden/limits.state",
          "File (mode 0600, written whole and renamed into place) where the in-process counts outlive a restart: read "
              + "at start, written every limits-state-interval and when the daemon stops. A damaged or non-private file "
              + "is logged, set aside as FILE.refused and counting starts from zero. Empty: counts live in memory only.");

  public static final ConfigKey<Duration> STATE_INTERVAL =
      ConfigKey.duration(
              "limits-state-interval",
              Duration.ofMinutes(1),
              "How often the counts are written to limits-state-file: a crash forgets at most this much counting.")
          .validatedBy(
              every -> {
                if (every.compareTo(Duration.ofSeconds(1)) < 0) {
                  throw new IllegalArgumentException(
                      "expected at least 1s, got " + every.toMillis() + "ms");
                }
              });

  public static final ConfigKey<String> REDIS =
      ConfigKey.string(
              "limits-redis",
              "",
              "Redis or Valkey that holds the counts, shared by every mail server that names it (and the same "
                  + "limits-redis-prefix): redis://HOST[:PORT][/DB], rediss://… for TLS, redis-socket:///PATH. Empty: each "
                  + "server counts on its own. Credentials go in limits-redis-user and limits-redis-password-file, never in "
                  + "the URI. Changing it needs a restart.")
          .validatedBy(RedisUri.checker("limits-redis"));

  public static final ConfigKey<String> REDIS_USER =
      ConfigKey.string("limits-redis-user", "", "Redis ACL user; empty: the default user.");

  public static final ConfigKey<String> REDIS_PASSWORD_FILE =
      ConfigKey.string(
          "limits-redis-password-file",
          "",
          "File whose first line is the Redis password, readable by no other user (whoever has it can reset any "
              + "sender's counts); empty: no password.");

  public static final ConfigKey<Duration> REDIS_TIMEOUT =
      ConfigKey.duration(
              "limits-redis-timeout",
              Duration.ofMillis(200),
              "Longest one Redis call may take before the event counts as if Redis were down (limits-redis-unavailable).")
          .validatedBy(
              timeout -> {
                if (timeout.toMillis() < 1 || timeout.compareTo(Duration.ofSeconds(5)) > 0) {
                  throw new IllegalArgumentException(
                      "expected 1ms to 5s, got " + timeout.toMillis() + "ms");
                }
              });

  public static final ConfigKey<String> REDIS_PREFIX =
      ConfigKey.string(
          "limits-redis-prefix",
          "postwarden:limits:",
          "Put before every Redis key: servers that share limits use the same prefix, other groups another one.");

  public static final ConfigKey<WhenUnavailable> REDIS_UNAVAILABLE =
      ConfigKey.of(
          "limits-redis-unavailable",
          WhenUnavailable.LOCAL,
          WhenUnavailable::parse,
          "What a message that Redis cannot count gets. local: counted on this server alone, so each server still "
              + "enforces every limit (a sender may get one limit per server while Redis is down). defer: SMTP clients "
              + "get 451 and sendmail(1) mail is held until an operator releases it: no sending beyond the shared "
              + "limits, and no mail sent while Redis is down.");

  public static final ConfigSchema SCHEMA =
      ConfigSchema.of(
          LIMITS,
          SASL,
          UNIX,
          DOMAIN,
          CLIENT,
          SERVER,
          LIMITS_FILE,
          MAX_KEYS,
          CONTROL_SOCKET,
          STATE_FILE,
          STATE_INTERVAL,
          REDIS,
          REDIS_USER,
          REDIS_PASSWORD_FILE,
          REDIS_TIMEOUT,
          REDIS_PREFIX,
          REDIS_UNAVAILABLE);

  private LimitsKeys() {}

  /** The rules each key kind has unless the limits file says otherwise. */
  static Map<KeyKind, List<LimitRule>> defaults(io.postwarden.core.config.Config config) {
    return Map.of(
        KeyKind.SASL,
        parse(config.get(SASL)),
        KeyKind.UNIX,
        parse(config.get(UNIX)),
        KeyKind.DOMAIN,
        parse(config.get(DOMAIN)),
        KeyKind.CLIENT,
        parse(config.get(CLIENT)),
        KeyKind.SERVER,
        parse(config.get(SERVER)));
  }

  private static List<LimitRule> parse(List<String> rules) {
    return rules.stream().map(LimitRule::parse).toList();
  }

  private static ConfigKey<List<String>> rules(String name, List<String> defaults, String doc) {
    return ConfigKey.list(name, defaults, doc + RULES).validatedBy(LimitsKeys::parse);
  }
}
