package io.postwarden.limits.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.event.DefaultEventPublisherOptions;
import io.lettuce.core.metrics.CommandLatencyRecorder;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import io.postwarden.core.logging.RateLimitedLog;
import io.postwarden.limits.key.KeyKind;
import io.postwarden.limits.key.LimitKey;
import io.postwarden.limits.rule.LimitRule;
import io.postwarden.limits.store.Charge;
import io.postwarden.limits.store.Counter;
import io.postwarden.limits.store.CounterStore;
import io.postwarden.limits.store.KeyUsage;
import io.postwarden.limits.store.SlidingWindow;
import io.postwarden.limits.store.StoreUnavailableException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * Counters in Redis (or Valkey), shared by every mail server that names the same Redis and prefix. Each charge is
 * one {@code charge.lua} call, atomic across the sender's keys, with "now" from this server's clock. Each key is one
 * hash {@code PREFIX KIND:NAME} that expires once its longest window and cool-down have passed (plus a minute for
 * clocks a little apart), so Redis holds only what still counts.
 *
 * <p>Calls block the calling policy worker for at most {@code timeout}, never the milter's event loop. A failed call
 * throws {@link StoreUnavailableException}; for a second after a failure calls fail at once, without waiting on a
 * Redis that does not answer. Lettuce reconnects by itself and rejects commands while disconnected.
 */
public final class RedisCounterStore implements CounterStore {

  private static final System.Logger LOG = System.getLogger("postwarden.limits");
  private static final long TTL_SLACK_SECONDS = 60;
  private static final Duration RETRY_AFTER = Duration.ofSeconds(1);
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
  private static final int SCAN_BATCH = 1000;
  private static final int SCAN_ROUNDS = 100;
  private static final String COOLDOWN = "cooldown";

  private final RedisURI uri;
  private final String prefix;
  private final Clock clock;
  private final ClientResources resources;
  private final RedisClient client;
  private final String scriptSha;
  private final ReentrantLock connecting = new ReentrantLock();
  private final RateLimitedLog log = RateLimitedLog.perMinute(LOG);
  private volatile StatefulRedisConnection<String, String> connection;
  private volatile boolean failing;
  private volatile long retryAtNanos;

  /**
   * Connects at once, so the first message does not wait for it; a Redis that cannot be reached now is tried again
   * when mail needs it.
   *
   * @param uri     where Redis is, with its credentials
   * @param prefix  put before every key, so that other users of the Redis (or other groups of servers) are apart
   * @param timeout the longest one call may take
   */
  public RedisCounterStore(RedisURI uri, String prefix, Duration timeout, Clock clock) {
    this.uri = uri;
    this.prefix = prefix;
    this.clock = clock;
    // connecting (and Redis's handshake) may take longer than a command, on a cold JVM too; each command is cut off
    // at timeout by the timeout options below
    Duration connectTimeout = timeout.compareTo(CONNECT_TIMEOUT) > 0 ? timeout : CONNECT_TIMEOUT;
    uri.setTimeout(connectTimeout);
    // reconnect soon after Redis is back; its default backs off to 30 s, which would keep counting local that long.
    // No command latency statistics: with HdrHistogram on the class path (Micrometer's) Lettuce would record every
    // command and run pause-detector threads, CPU nobody reads
    this.resources = ClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2)
        .reconnectDelay(Delay.exponential(Duration.ofMillis(100), Duration.ofSeconds(2), 2, TimeUnit.MILLISECONDS))
        .commandLatencyRecorder(CommandLatencyRecorder.disabled())
        .commandLatencyPublisherOptions(DefaultEventPublisherOptions.disabled())
        .build();
    this.client = RedisClient.create(resources);
    client.setOptions(ClientOptions.builder()
        .autoReconnect(true)
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
        .timeoutOptions(TimeoutOptions.enabled(timeout))
        .socketOptions(SocketOptions.builder().connectTimeout(connectTimeout).build())
        .build());
    this.scriptSha = sha1(ChargeScript.SOURCE);
    try {
      call(commands -> commands.ping());
      LOG.log(Level.INFO, "limits counted in Redis at " + where() + " under \"" + prefix + "\"");
    } catch (StoreUnavailableException e) {
      LOG.log(Level.WARNING, "Redis at " + where() + " cannot be reached now (" + e.getMessage()
          + "); trying again when mail needs it");
    }
  }

  @Override
  public Charge charge(List<LimitKey> keys, List<Counter> counters) {
    ChargeScript script = new ChargeScript(keys, counters);
    String[] redisKeys = script.redisKeys(prefix);
    String[] arguments = script.arguments(clock.millis(), TTL_SLACK_SECONDS);
    List<Object> reply = call(commands -> {
      try {
        return commands.evalsha(scriptSha, ScriptOutputType.MULTI, redisKeys, arguments);
      } catch (RedisNoScriptException e) {
        // a Redis restarted or flushed its script cache: EVAL loads it again
        return commands.eval(ChargeScript.SOURCE, ScriptOutputType.MULTI, redisKeys, arguments);
      }
    });
    return script.charge(reply);
  }

  @Override
  public KeyUsage usage(LimitKey key, List<LimitRule> rules) {
    Map<String, String> fields = call(commands -> commands.hgetall(prefix + key));
    long now = clock.millis();
    List<KeyUsage.RuleUsage> usage = new ArrayList<>();
    for (LimitRule rule : rules) {
      usage.add(new KeyUsage.RuleUsage(rule, window(fields.get(ChargeScript.windowField(rule)),
          rule.window().toMillis()).used(now)));
    }
    long cooldownUntil = Long.parseLong(fields.getOrDefault(COOLDOWN, "0"));
    return new KeyUsage(key, usage, cooldownUntil > now ? Optional.of(Instant.ofEpochMilli(cooldownUntil))
        : Optional.empty());
  }

  /** Keys of this prefix, from a bounded number of SCAN rounds (an overview, not an inventory of a huge Redis). */
  @Override
  public List<LimitKey> activeKeys(int max) {
    return call(commands -> {
      List<LimitKey> keys = new ArrayList<>();
      ScanArgs match = ScanArgs.Builder.matches(globEscaped(prefix) + "*").limit(SCAN_BATCH);
      ScanCursor cursor = ScanCursor.INITIAL;
      for (int round = 0; round < SCAN_ROUNDS && keys.size() < max && !cursor.isFinished(); round++) {
        KeyScanCursor<String> page = commands.scan(cursor, match);
        page.getKeys().forEach(name -> limitKey(name.substring(prefix.length())).ifPresent(keys::add));
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
    return connection != null && connection.isOpen() && !failing;
  }

  @Override
  public void close() {
    StatefulRedisConnection<String, String> current = connection;
    if (current != null) {
      current.close();
    }
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    resources.shutdown(0, 2, TimeUnit.SECONDS);
  }

  private <T> T call(Function<RedisCommands<String, String>, T> command) {
    if (failing && System.nanoTime() - retryAtNanos < 0) {
      throw new StoreUnavailableException("Redis failed less than " + RETRY_AFTER.toSeconds() + "s ago", null);
    }
    T result;
    try {
      result = command.apply(connection().sync());
    } catch (RedisException e) {
      retryAtNanos = System.nanoTime() + RETRY_AFTER.toNanos();
      failing = true;
      throw new StoreUnavailableException(e.getClass().getSimpleName() + ": " + e.getMessage(), e);
    }
    if (failing) {
      failing = false;
      log.log(Level.INFO, "redis back", "Redis at " + where() + " answers again: limits are counted there");
    }
    return result;
  }

  /** The connection, made on first use; while one thread connects, others fail over at once instead of waiting. */
  private StatefulRedisConnection<String, String> connection() {
    StatefulRedisConnection<String, String> current = connection;
    if (current != null) {
      return current;
    }
    if (!connecting.tryLock()) {
      throw new RedisException("connecting to Redis");
    }
    try {
      if (connection == null) {
        connection = client.connect(uri);
      }
      return connection;
    } finally {
      connecting.unlock();
    }
  }

  /** Where Redis is, without credentials. */
  private String where() {
    return uri.getSocket() != null ? uri.getSocket() : uri.getHost() + ":" + uri.getPort() + "/" + uri.getDatabase();
  }

  private static SlidingWindow window(String saved, long length) {
    if (saved == null) {
      return new SlidingWindow(length, 0, 0, 0);
    }
    String[] parts = saved.split(" ");
    return new SlidingWindow(length, Long.parseLong(parts[0]), Long.parseLong(parts[1]), Long.parseLong(parts[2]));
  }

  /** The key a hash stands for, as the script named it: {@code server} or {@code KIND:NAME}. */
  static Optional<LimitKey> limitKey(String stored) {
    if (stored.equals("server")) {
      return Optional.of(LimitKey.SERVER);
    }
    int colon = stored.indexOf(':');
    return colon < 1 || colon == stored.length() - 1 ? Optional.empty()
        : KeyKind.ofLabel(stored.substring(0, colon)).filter(kind -> kind != KeyKind.SERVER)
            .map(kind -> new LimitKey(kind, stored.substring(colon + 1)));
  }

  private static String globEscaped(String text) {
    return text.replaceAll("([*?\\[\\]\\\\])", "\\\\$1");
  }

  private static String sha1(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
