package io.postwarden.srs.longsender;

import io.postwarden.core.config.ConfigKey;
import io.postwarden.core.config.ConfigSchema;
import io.postwarden.core.redis.RedisUri;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/** Settings of the long-sender store (docs/decisions/0023-srs-long-sender-store.md). */
public final class LongSenderKeys {

  /** What happens to a sender whose SRS address would not fit in 64 octets. */
  public enum Mode {
    STORE,
    SKIP
  }

  public static final ConfigKey<Mode> LONG_SENDERS =
      ConfigKey.of(
          "srs-long-senders",
          Mode.STORE,
          LongSenderKeys::mode,
          "A sender whose SRS address would pass 64 octets (receivers refuse it). store: kept in the "
              + "store (srs-store-file, or srs-store-redis) for 23 days under a short signed key, and rewritten to "
              + "SRS0=HASH=TT=1=KEY@srs-domain, as PostSRSd's database mode. skip: sent on unchanged, as before, and its "
              + "SPF may fail at the next hop; stored addresses no longer reverse.");

  public static final ConfigKey<Path> FILE =
      ConfigKey.path(
          "srs-store-file",
          Path.of("/var/lib/postwarden/srs-senders.sqlite"),
          "SQLite file of the store on this server (PostSRSd 2's layout), created mode 0600 on first use; one that other "
              + "users can read or write is refused. Not used with srs-store-redis. Changing it needs a restart.");

  public static final ConfigKey<String> REDIS =
      ConfigKey.string(
              "srs-store-redis",
              "",
              "Redis or Valkey that holds the store, shared by every server of a cluster so a bounce reverses on any of them "
                  + "(may be the limits-redis one): redis://HOST[:PORT][/DB], rediss://… for TLS, redis-socket:///PATH. "
                  + "Empty: srs-store-file. Credentials in srs-store-redis-user and srs-store-redis-password-file, never in "
                  + "the URI. Changing it needs a restart.")
          .validatedBy(RedisUri.checker("srs-store-redis"));

  public static final ConfigKey<String> REDIS_USER =
      ConfigKey.string(
          "srs-store-redis-user", "", "Redis ACL user for the store; empty: the default user.");

  public static final ConfigKey<String> REDIS_PASSWORD_FILE =
      ConfigKey.string(
          "srs-store-redis-password-file",
          "",
          "File whose first line is the store's Redis password, readable by no other user (whoever has it can redirect "
              + "bounces); empty: no password.");

  public static final ConfigKey<String> REDIS_PREFIX =
      ConfigKey.string(
          "srs-store-redis-prefix",
          "postwarden:srs:",
          "Put before every Redis key of the store. PostSRSd/ reads and writes PostSRSd 2's own Redis entries.");

  public static final ConfigKey<Duration> REDIS_TIMEOUT =
      ConfigKey.duration(
              "srs-store-redis-timeout",
              Duration.ofMillis(200),
              "Longest one Redis call of the store may take: then a long sender is sent unchanged, "
                  + "and a bounce to a stored address gets 451 and is retried.")
          .validatedBy(
              timeout -> {
                if (timeout.toMillis() < 1 || timeout.compareTo(Duration.ofSeconds(5)) > 0) {
                  throw new IllegalArgumentException(
                      "expected 1ms to 5s, got " + timeout.toMillis() + "ms");
                }
              });

  public static final ConfigKey<Integer> MAX_NEW_PER_HOUR =
      ConfigKey.integer(
          "srs-store-max-entries-per-hour",
          10_000,
          1,
          10_000_000,
          "New senders the store takes per clock hour (with Redis, for the whole cluster); beyond "
              + "that long senders are sent unchanged, counted in postwarden_srs_store_writes_total. Bounds how fast a "
              + "flood of made-up senders fills it.");

  public static final ConfigKey<Integer> MAX_ENTRIES =
      ConfigKey.integer(
          "srs-store-max-entries",
          1_000_000,
          1,
          100_000_000,
          "Senders the store holds at most (about 190 bytes each in the SQLite file, 380 of Redis "
              + "memory); beyond that long senders are sent unchanged until old entries expire.");

  public static final ConfigSchema SCHEMA =
      ConfigSchema.of(
          LONG_SENDERS,
          FILE,
          REDIS,
          REDIS_USER,
          REDIS_PASSWORD_FILE,
          REDIS_PREFIX,
          REDIS_TIMEOUT,
          MAX_NEW_PER_HOUR,
          MAX_ENTRIES);

  private LongSenderKeys() {}

  private static Mode mode(String value) {
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "store" -> Mode.STORE;
      case "skip" -> Mode.SKIP;
      default ->
          throw new IllegalArgumentException("expected store or skip, got \"" + value + "\"");
    };
  }
}
