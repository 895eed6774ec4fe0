package io.postwarden.srs.longsender;

import io.lettuce.core.RedisURI;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.postwarden.core.redis.RedisLink;
import io.postwarden.core.testing.MonotonicClock;
import io.postwarden.core.testing.RedisServer;
import io.postwarden.srs.codec.ForwardResult;
import io.postwarden.srs.codec.ReverseResult;
import io.postwarden.srs.codec.SrsCodec;
import io.postwarden.srs.codec.SrsConfig;
import io.postwarden.srs.codec.SrsSecrets;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What the long-sender store costs: CPU per rewrite and per bounce (this JVM, and the Redis
 * server), and its size after {@code N} long senders (SQLite file, Redis memory). Not a JUnit test:
 * run it by hand after {@code mvn test-compile}, with the test class path, e.g. {@code java -cp
 * "$(cat cp.txt):target/classes: target/test-classes"
 * io.postwarden.srs.longsender.SenderStoreBenchmark 1000000}.
 */
public final class SenderStoreBenchmark {

  private static final String SRS_DOMAIN = "srs.example.net";
  private static final int TIMED = 20_000;
  private static final System.Logger LOG = System.getLogger("postwarden.srs");

  private SenderStoreBenchmark() {}

  public static void main(String[] args) throws Exception {
    int total = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    Clock clock = MonotonicClock.startingAt(Instant.parse("2026-11-30T10:00:00Z"));
    StoreLimits unlimited = new StoreLimits(100_000_000, 100_000_000);
    Path dir = Files.createTempDirectory("sender-store-bench-");
    try (SqliteSenderStore sqlite =
        SqliteSenderStore.open(dir.resolve("senders.sqlite"), unlimited, clock)) {
      measure("SQLite", codec(clock), sqlite, clock, total, null);
      System.out.printf(
          "SQLite file after %,d senders: %,d bytes (%.0f bytes each), WAL %,d bytes%n",
          total,
          Files.size(dir.resolve("senders.sqlite")),
          (double) Files.size(dir.resolve("senders.sqlite")) / total,
          Files.exists(dir.resolve("senders.sqlite-wal"))
              ? Files.size(dir.resolve("senders.sqlite-wal"))
              : 0);
    }
    try (RedisServer server = RedisServer.start("");
        RedisLink info =
            new RedisLink(RedisURI.create(server.uri()), Duration.ofSeconds(5), "bench", LOG)) {
      // Redis expires entries by its own clock: this one starts at the server's TIME
      Clock redisClock =
          MonotonicClock.startingAt(
              Instant.ofEpochSecond(Long.parseLong(info.call(commands -> commands.time()).get(0))));
      try (RedisSenderStore redis =
          new RedisSenderStore(
              new RedisLink(RedisURI.create(server.uri()), Duration.ofSeconds(5), "bench", LOG),
              "postwarden:srs:",
              unlimited,
              redisClock)) {
        long before = usedMemory(info);
        measure("Redis", codec(redisClock), redis, redisClock, total, server);
        long after = usedMemory(info);
        System.out.printf(
            "Redis used_memory after %,d senders: %,d bytes more (%.0f bytes each)%n",
            total, after - before, (double) (after - before) / total);
      }
    }
  }

  private static SrsCodec codec(Clock clock) {
    return new SrsCodec(
        SrsConfig.defaults(
                SrsSecrets.of(
                    List.of("a-secret-of-at-least-16-bytes".getBytes(StandardCharsets.US_ASCII))))
            .withHashLength(8, 8),
        clock);
  }

  private static void measure(
      String name, SrsCodec codec, SenderStore store, Clock clock, int total, RedisServer server) {
    LongSenders longSenders =
        new LongSenders(store, new StoreMetrics(new SimpleMeterRegistry()), clock);
    for (int i = 0; i < TIMED; i++) { // warm-up: the JIT, and the first entries
      rewrite(codec, longSenders, sender(name, i));
    }
    long cpu = processCpuNanos();
    long serverCpu = serverCpuNanos(server);
    String[] addresses = new String[TIMED];
    for (int i = 0; i < TIMED; i++) {
      addresses[i] = rewrite(codec, longSenders, sender(name, TIMED + i));
    }
    System.out.printf(
        "%s: %.1f µs CPU per long-sender rewrite in this JVM, %.1f µs in Redis%n",
        name,
        (processCpuNanos() - cpu) / 1e3 / TIMED,
        (serverCpuNanos(server) - serverCpu) / 1e3 / TIMED);
    cpu = processCpuNanos();
    serverCpu = serverCpuNanos(server);
    for (String address : addresses) {
      longSenders.resolve((ReverseResult.Reversed) codec.reverse(address));
    }
    System.out.printf(
        "%s: %.1f µs CPU per bounce reversed through the store in this JVM, %.1f µs in Redis%n",
        name,
        (processCpuNanos() - cpu) / 1e3 / TIMED,
        (serverCpuNanos(server) - serverCpu) / 1e3 / TIMED);
    cpu = processCpuNanos();
    for (int i = 0; i < TIMED; i++) {
      codec.forward("short-" + i + "@lists.example.org", SRS_DOMAIN);
    }
    System.out.printf(
        "codec alone: %.1f µs CPU per rewrite of a sender that fits%n",
        (processCpuNanos() - cpu) / 1e3 / TIMED);
    for (int i = 2 * TIMED; i < total; i++) {
      rewrite(codec, longSenders, sender(name, i));
    }
  }

  private static String rewrite(SrsCodec codec, LongSenders longSenders, String sender) {
    ForwardResult.Refused tooLong = (ForwardResult.Refused) codec.forward(sender, SRS_DOMAIN);
    return ((ForwardResult.Rewritten) longSenders.forward(codec, sender, SRS_DOMAIN, tooLong))
        .address();
  }

  /** About 80 octets, like a mailing list's VERP sender. */
  private static String sender(String store, int i) {
    return String.format(
        "newsletter-bounces+%s-%040x@lists.example-%d.org",
        store.toLowerCase(), (long) i * 7919, i % 1000);
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static long serverCpuNanos(RedisServer server) {
    return server == null
        ? 0
        : server.process().info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
  }

  private static long usedMemory(RedisLink redis) {
    String memory = redis.call(commands -> commands.info("memory"));
    return memory
        .lines()
        .filter(line -> line.startsWith("used_memory:"))
        .map(line -> Long.parseLong(line.substring("used_memory:".length()).trim()))
        .findFirst()
        .orElseThrow();
  }
}
