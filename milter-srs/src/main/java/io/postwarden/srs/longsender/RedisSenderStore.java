package io.postwarden.srs.longsender;

import io.lettuce.core.ScriptOutputType;
import io.postwarden.core.redis.RedisLink;
import io.postwarden.core.redis.RedisUnavailableException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The store in Redis (or Valkey), shared by every server that names the same Redis and prefix, so a
 * bounce reverses on whichever server it reaches. Each entry is PostSRSd 2's: a string {@code
 * PREFIX KEY} holding the sender, expiring on its own (with prefix {@code PostSRSd/} the two read
 * each other's entries). Beside them, under the same prefix, a sorted set {@code #index} of the
 * entries by expiry, for the total, and {@code #new:HOUR} counters of new entries; one script
 * checks and stores atomically, so the limits hold for the whole cluster.
 */
public final class RedisSenderStore implements SenderStore {

  private static final long MILLIS_PER_HOUR = 3_600_000;
  static final RedisLink.Script PUT =
      new RedisLink.Script(
          """
      -- KEYS: the entry, the index (entries by expiry), this hour's count of new entries
      -- ARGV: sender, now (ms), expiry (ms), new entries allowed per hour, entries allowed
      if redis.call('EXISTS', KEYS[1]) == 1 then
        redis.call('SET', KEYS[1], ARGV[1], 'PXAT', ARGV[3])
        redis.call('ZADD', KEYS[2], ARGV[3], KEYS[1])
        return {'refreshed', redis.call('ZCARD', KEYS[2])}
      end
      redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[2])
      local entries = redis.call('ZCARD', KEYS[2])
      if entries >= tonumber(ARGV[5]) then
        return {'full', entries}
      end
      if tonumber(redis.call('GET', KEYS[3]) or '0') >= tonumber(ARGV[4]) then
        return {'over_hourly_limit', entries}
      end
      redis.call('INCR', KEYS[3])
      redis.call('PEXPIRE', KEYS[3], 7200000)
      redis.call('SET', KEYS[1], ARGV[1], 'PXAT', ARGV[3])
      redis.call('ZADD', KEYS[2], ARGV[3], KEYS[1])
      return {'stored', entries + 1}
      """);

  private final RedisLink redis;
  private final String prefix;
  private final StoreLimits limits;
  private final Clock clock;
  private volatile long entries;

  /**
   * @param redis closed with this store
   */
  public RedisSenderStore(RedisLink redis, String prefix, StoreLimits limits, Clock clock) {
    this.redis = redis;
    this.prefix = prefix;
    this.limits = limits;
    this.clock = clock;
  }

  @Override
  public Put put(String key, String sender, Instant expires) {
    long now = clock.millis();
    String[] keys = {prefix + key, prefix + "#index", prefix + "#new:" + now / MILLIS_PER_HOUR};
    List<Object> reply =
        call(
            () ->
                redis.script(
                    PUT,
                    ScriptOutputType.MULTI,
                    keys,
                    sender,
                    Long.toString(now),
                    Long.toString(expires.toEpochMilli()),
                    Integer.toString(limits.maxNewPerHour()),
                    Long.toString(limits.maxEntries())));
    entries = (Long) reply.get(1);
    return Put.valueOf(((String) reply.get(0)).toUpperCase(Locale.ROOT));
  }

  @Override
  public Optional<String> get(String key) {
    return Optional.ofNullable(call(() -> redis.call(commands -> commands.get(prefix + key))));
  }

  @Override
  public long entries() {
    return entries;
  }

  @Override
  public void close() {
    redis.close();
  }

  private <T> T call(Supplier<T> command) {
    try {
      return command.get();
    } catch (RedisUnavailableException e) {
      throw new SenderStoreUnavailableException(
          "Redis at " + redis.where() + ": " + e.getMessage(), e);
    }
  }
}
