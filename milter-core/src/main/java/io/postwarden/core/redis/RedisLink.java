package io.postwarden.core.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
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
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * One connection to a Redis (or Valkey) that a store of Postwarden's shares with other mail
 * servers. Each call blocks the calling policy worker for at most {@code timeout}, never the
 * milter's event loop. A failed call throws {@link RedisUnavailableException}; for a second after a
 * failure calls fail at once, without waiting on a Redis that does not answer. Lettuce reconnects
 * by itself and rejects commands while disconnected.
 */
public final class RedisLink implements AutoCloseable {

  private static final Duration RETRY_AFTER = Duration.ofSeconds(1);
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);

  private final RedisURI uri;
  private final String purpose;
  private final ClientResources resources;
  private final RedisClient client;
  private final ReentrantLock connecting = new ReentrantLock();
  private final RateLimitedLog log;
  private volatile StatefulRedisConnection<String, String> connection;
  private volatile boolean failing;
  private volatile long retryAtNanos;

  /**
   * Connects at once, so the first message does not wait for it; a Redis that cannot be reached now
   * is tried again when mail needs it.
   *
   * @param uri where Redis is, with its credentials
   * @param timeout the longest one call may take
   * @param purpose what the store keeps there, for the log ("limits are counted there")
   */
  public RedisLink(RedisURI uri, Duration timeout, String purpose, System.Logger logger) {
    this.uri = uri;
    this.purpose = purpose;
    this.log = RateLimitedLog.perMinute(logger);
    // connecting (and Redis's handshake) may take longer than a command, on a cold JVM too; each
    // command is cut off
    // at timeout by the timeout options below
    Duration connectTimeout = timeout.compareTo(CONNECT_TIMEOUT) > 0 ? timeout : CONNECT_TIMEOUT;
    uri.setTimeout(connectTimeout);
    // reconnect soon after Redis is back; its default backs off to 30 s, which would keep the store
    // unusable that
    // long. No command latency statistics: with HdrHistogram on the class path (Micrometer's)
    // Lettuce would record
    // every command and run pause-detector threads, CPU nobody reads
    this.resources =
        ClientResources.builder()
            .ioThreadPoolSize(2)
            .computationThreadPoolSize(2)
            .reconnectDelay(
                Delay.exponential(
                    Duration.ofMillis(100), Duration.ofSeconds(2), 2, TimeUnit.MILLISECONDS))
            .commandLatencyRecorder(CommandLatencyRecorder.disabled())
            .commandLatencyPublisherOptions(DefaultEventPublisherOptions.disabled())
            .build();
    this.client = RedisClient.create(resources);
    client.setOptions(
        ClientOptions.builder()
            .autoReconnect(true)
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .timeoutOptions(TimeoutOptions.enabled(timeout))
            .socketOptions(SocketOptions.builder().connectTimeout(connectTimeout).build())
            .build());
    try {
      call(commands -> commands.ping());
      logger.log(Level.INFO, purpose + " in Redis at " + where());
    } catch (RedisUnavailableException e) {
      logger.log(
          Level.WARNING,
          "Redis at "
              + where()
              + " cannot be reached now ("
              + e.getMessage()
              + "); trying again when mail needs it");
    }
  }

  /** Runs one command (or a few) on the shared connection. */
  public <T> T call(Function<RedisCommands<String, String>, T> command) {
    if (failing && System.nanoTime() - retryAtNanos < 0) {
      throw new RedisUnavailableException(
          "Redis failed less than " + RETRY_AFTER.toSeconds() + "s ago", null);
    }
    T result;
    try {
      result = command.apply(connection().sync());
    } catch (RedisException e) {
      retryAtNanos = System.nanoTime() + RETRY_AFTER.toNanos();
      failing = true;
      throw new RedisUnavailableException(e.getClass().getSimpleName() + ": " + e.getMessage(), e);
    }
    if (failing) {
      failing = false;
      log.log(
          Level.INFO,
          "redis back",
          "Redis at " + where() + " answers again: " + purpose + " there");
    }
    return result;
  }

  /**
   * Runs a Lua script by its SHA-1, loading it again when Redis has lost it (a restart, SCRIPT
   * FLUSH).
   */
  public <T> T script(Script script, ScriptOutputType type, String[] keys, String... arguments) {
    return call(
        commands -> {
          try {
            return commands.evalsha(script.sha, type, keys, arguments);
          } catch (RedisNoScriptException e) {
            return commands.eval(script.source, type, keys, arguments);
          }
        });
  }

  /** Whether the last call got an answer. */
  public boolean answering() {
    return connection != null && connection.isOpen() && !failing;
  }

  /** Where Redis is, without credentials. */
  public String where() {
    return uri.getSocket() != null
        ? uri.getSocket()
        : uri.getHost() + ":" + uri.getPort() + "/" + uri.getDatabase();
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

  /**
   * The connection, made on first use; while one thread connects, others fail at once instead of
   * waiting.
   */
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

  /** A Lua script and its SHA-1, as EVALSHA names it. */
  public static final class Script {

    private final String source;
    private final String sha;

    public Script(String source) {
      this.source = source;
      try {
        this.sha =
            HexFormat.of()
                .formatHex(
                    MessageDigest.getInstance("SHA-1")
                        .digest(source.getBytes(StandardCharsets.UTF_8)));
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
