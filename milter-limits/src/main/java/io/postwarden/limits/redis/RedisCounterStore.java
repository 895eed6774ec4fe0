package io.postwarden.limits.redis;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisCommands;
import io.postwarden.core.redis.RedisLink;
import io.postwarden.core.redis.RedisUnavailableException;
import io.postwarden.limits.key.KeyKind;
import io.postwarden.limits.key.LimitKey;
import io.postwarden.limits.rule.LimitRule;
import io.postwarden.limits.store.Charge;
import io.postwarden.limits.store.Counter;
import io.postwarden.limits.store.CounterStore;
import io.postwarden.limits.store.KeyUsage;
import io.postwarden.limits.store.SlidingWindow;
import io.postwarden.limits.store.StoreUnavailableException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Counters in Redis (or Valkey), shared by every mail server that names the same Redis and prefix.
 * Each charge is one {@code charge.lua} call, atomic across the sender's keys, with "now" from this
 * server's clock. Each key is one hash {@code PREFIX KIND:NAME} that expires once its longest
 * window and cool-down have passed (plus a minute for clocks a little apart), so Redis holds only
 * what still counts.
 *
 * <p>Calls go through a {@link RedisLink} (at most {@code timeout} each, failing fast for a second
 * after a failure); a failed call throws {@link StoreUnavailableException}.
 */
public final class RedisCounterStore implements CounterStore {

  private static final System.Logger LOG = System.getLogger("postwarden.limits");
  private static final long TTL_SLACK_SECONDS = 60;
  private static final int SCAN_BATCH = 1000;
  private static final int SCAN_ROUNDS = 100;
  private static final String COOLDOWN = "cooldown";
  private static final RedisLink.Script CHARGE = new RedisLink.Script(ChargeScript.SOURCE);

  private final String prefix;
  private final Clock clock;
  private final RedisLink redis;

  /**
   * Connects at once, so the first message does not wait for it; a Redis that cannot be reached now
   * is tried again when mail needs it.
   *
   * @param uri where Redis is, with its credentials
   * @param prefix put before every key, so that other users of the Redis (or other groups of
   *     servers) are apart
   * @param timeout the longest one call may take
   */
  public RedisCounterStore(RedisURI uri, String prefix, Duration timeout, Clock clock) {
    this.prefix = prefix;
    this.clock = clock;
    this.redis = new RedisLink(uri, timeout, "limits are counted under \"" + prefix + "\"", LOG);
  }

  @Override
  public Charge charge(List<LimitKey> keys, List<Counter> counters) {
    ChargeScript script = new ChargeScript(keys, counters);
    String[] redisKeys = script.redisKeys(prefix);
    String[] arguments = script.arguments(clock.millis(), TTL_SLACK_SECONDS);
    List<Object> reply;
    try {
      reply = redis.script(CHARGE, ScriptOutputType.MULTI, redisKeys, arguments);
    } catch (RedisUnavailableException e) {
      throw new StoreUnavailableException(e.getMessage(), e);
    }
    return script.charge(reply);
  }

  @Override
  public KeyUsage usage(LimitKey key, List<LimitRule> rules) {
    Map<String, String> fields = call(commands -> commands.hgetall(prefix + key));
    long now = clock.millis();
    List<KeyUsage.RuleUsage> usage = new ArrayList<>();
    for (LimitRule rule : rules) {
      usage.add(
          new KeyUsage.RuleUsage(
              rule,
              window(fields.get(ChargeScript.windowField(rule)), rule.window().toMillis())
                  .used(now)));
    }
    long cooldownUntil = Long.parseLong(fields.getOrDefault(COOLDOWN, "0"));
    return new KeyUsage(
        key,
        usage,
        cooldownUntil > now ? Optional.of(Instant.ofEpochMilli(cooldownUntil)) : Optional.empty());
  }

  /**
   * Keys of this prefix, from a bounded number of SCAN rounds (an overview, not an inventory of a
   * huge Redis).
   */
  @Override
  public List<LimitKey> activeKeys(int max) {
    return call(
        commands -> {
          List<LimitKey> keys = new ArrayList<>();
          ScanArgs match = ScanArgs.Builder.matches(globEscaped(prefix) + "*").limit(SCAN_BATCH);
          ScanCursor cursor = ScanCursor.INITIAL;
          for (int round = 0;
              round < SCAN_ROUNDS && keys.size() < max && !cursor.isFinished();
              round++) {
            KeyScanCursor<String> page = commands.scan(cursor, match);
            page.getKeys()
                .forEach(name -> limitKey(name.substring(prefix.length())).ifPresent(keys::add));
            cursor = page;
          }
          keys.sort(Comparator.comparing(LimitKey::toString));
          return keys.size() > max ? List.copyOf(keys.subList(0, max)) : keys;
        });
  }

  @Override
  public boolean reset(LimitKey key) {
    return call(commands -> commands.del(prefix + key)) > 0;
  }

  /** Whether the last call got an answer. */
  public boolean answering() {
    return redis.answering();
  }

  @Override
  public void close() {
    redis.close();
  }

  private <T> T call(Function<RedisCommands<String, String>, T> command) {
    try {
      return redis.call(command);
    } catch (RedisUnavailableException e) {
      throw new StoreUnavailableException(e.getMessage(), e);
    }
  }

  private static SlidingWindow window(String saved, long length) {
    if (saved == null) {
      return new SlidingWindow(length, 0, 0, 0);
    }
    String[] parts = saved.split(" ");
    return new SlidingWindow(
        length, Long.parseLong(parts[0]), Long.parseLong(parts[1]), Long.parseLong(parts[2]));
  }

  /** The key a hash stands for, as the script named it: {@code server} or {@code KIND:NAME}. */
  static Optional<LimitKey> limitKey(String stored) {
    if (stored.equals("server")) {
      return Optional.of(LimitKey.SERVER);
    }
    int colon = stored.indexOf(':');
    return colon < 1 || colon == stored.length() - 1
        ? Optional.empty()
        : KeyKind.ofLabel(stored.substring(0, colon))
            .filter(kind -> kind != KeyKind.SERVER)
            .map(kind -> new LimitKey(kind, stored.substring(colon + 1)));
  }

  private static String globEscaped(String text) {
    return text.replaceAll("([*?\\[\\]\\\\])", "\\\\$1");
  }
}
