package io.postwarden.limits;

import io.lettuce.core.RedisURI;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.postwarden.audit.guard.LocalAddresses;
import io.postwarden.audit.identity.ClientIdentifier;
import io.postwarden.audit.identity.CommandLineRedactor;
import io.postwarden.audit.identity.IdentityMetrics;
import io.postwarden.core.policy.Recipient;
import io.postwarden.core.testing.MonotonicClock;
import io.postwarden.core.testing.RedisServer;
import io.postwarden.core.testing.TestTransaction;
import io.postwarden.limits.key.KeyKind;
import io.postwarden.limits.redis.RedisCounterStore;
import io.postwarden.limits.rule.LimitRule;
import io.postwarden.limits.rule.RuleTable;
import io.postwarden.limits.store.CounterStore;
import io.postwarden.limits.store.LocalCounterStore;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * CPU per transaction of the limits policy and its latency, with the in-process store or with Redis
 * (a private redis-server on loopback), and the default rules: MAIL FROM, RCPTS recipients and end
 * of message of an authenticated sender, over USERS users in DOMAINS domains (so every transaction
 * touches a sasl, a domain and the server key, 3 rules each for the users). Sequential, one
 * transaction at a time, after a warm-up. CPU is the calling thread's, the Redis client's own
 * threads' (its Netty event loop), and the whole JVM's (which adds GC and JIT); with Redis,
 * redis-server's own CPU is shown apart. Not a test; run from milter-limits/: {@code java -cp
 * target/test-classes:target/classes:$(cat cp.txt) io.postwarden.limits.LimitsPolicyBenchmark}
 * (cp.txt from {@code mvn dependency:build-classpath -Dmdep.outputFile=cp.txt}). Arguments
 * (optional): USERS (default 10000) DOMAINS (1000) RCPTS (3) TRANSACTIONS (200000) STORE (local or
 * redis).
 */
public final class LimitsPolicyBenchmark {

  private LimitsPolicyBenchmark() {}

  public static void main(String[] args) throws Exception {
    int users = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int domains = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
    int recipients = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    int transactions = args.length > 3 ? Integer.parseInt(args[3]) : 200_000;
    boolean redis = args.length > 4 && args[4].equals("redis");
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    LimitsMetrics metrics = new LimitsMetrics(registry);
    Clock clock = MonotonicClock.startingAt(Instant.parse("2026-12-01T10:00:00Z"));
    ClientIdentifier identifier =
        new ClientIdentifier(
            new LocalAddresses(Set::of, Duration.ofHours(1), clock),
            Optional.empty(),
            Optional.empty(),
            new CommandLineRedactor(true, List.of()),
            new IdentityMetrics(registry));
    RuleTable rules =
        new RuleTable(
            Map.of(
                KeyKind.SASL,
                parse(LimitsKeys.SASL.defaultValue()),
                KeyKind.DOMAIN,
                parse(LimitsKeys.DOMAIN.defaultValue()),
                // generous, so that every transaction is counted to the end instead of stopping at
                // a refusal
                KeyKind.SERVER,
                List.of(LimitRule.parse("recipients 999999999/1d"))),
            Map.of());
    RedisServer server = redis ? RedisServer.start("") : null;
    CounterStore store =
        redis
            ? new RedisCounterStore(
                RedisURI.create(server.uri()), "bench:", Duration.ofSeconds(5), clock)
            : new LocalCounterStore(clock, 1_000_000, metrics::overflowed);
    LimitsPolicy policy = new LimitsPolicy(identifier, () -> rules, store, metrics);
    List<Recipient> rcpts =
        java.util.stream.IntStream.range(0, recipients)
            .mapToObj(i -> new Recipient("r" + i + "@far.example", List.of()))
            .toList();

    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    var os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    run(policy, users, domains, rcpts, transactions / 4, new long[transactions / 4]); // warm-up
    long[] latencies = new long[transactions];
    long cpu = threads.getCurrentThreadCpuTime();
    long client = lettuceCpuNanos(threads);
    long process = os.getProcessCpuTime();
    long redisCpu = redis ? redisCpuNanos(server) : 0;
    long wall = System.nanoTime();
    run(policy, users, domains, rcpts, transactions, latencies);
    double cpuPer = (threads.getCurrentThreadCpuTime() - cpu) / 1000.0 / transactions;
    double clientPer = (lettuceCpuNanos(threads) - client) / 1000.0 / transactions;
    double processPer = (os.getProcessCpuTime() - process) / 1000.0 / transactions;
    double wallPer = (System.nanoTime() - wall) / 1000.0 / transactions;
    Arrays.sort(latencies);
    System.out.printf(
        "%s store: %d transactions, %d users, %d domains, %d recipients: %.2f us CPU (thread), "
            + "%.2f us CPU (Lettuce I/O threads), %.2f us CPU (JVM), %.2f us wall per transaction; "
            + "latency p50 %.1f us, p99 %.1f us, max %.1f us%s%n",
        redis ? "redis" : "local",
        transactions,
        users,
        domains,
        recipients,
        cpuPer,
        clientPer,
        processPer,
        wallPer,
        latencies[transactions / 2] / 1000.0,
        latencies[transactions * 99 / 100] / 1000.0,
        latencies[transactions - 1] / 1000.0,
        redis
            ? String.format(
                "; redis-server %.2f us CPU",
                (redisCpuNanos(server) - redisCpu) / 1000.0 / transactions)
            : "");
    store.close();
    if (server != null) {
      server.close();
    }
  }

  private static void run(
      LimitsPolicy policy,
      int users,
      int domains,
      List<Recipient> rcpts,
      int transactions,
      long[] latencies) {
    for (int i = 0; i < transactions; i++) {
      int user = i % users;
      TestTransaction tx =
          TestTransaction.from("u" + user + "@d" + (user % domains) + ".example")
              .authenticatedAs("u" + user)
              .client("192.0.2.10", 4000);
      long start = System.nanoTime();
      policy.onMail(tx);
      for (Recipient recipient : rcpts) {
        policy.onRecipient(tx, recipient);
        tx.to(recipient.address());
      }
      policy.onEndOfMessage(tx);
      latencies[i] = System.nanoTime() - start;
    }
  }

  /**
   * CPU of the Redis client's own threads (its Netty event loop, timer): the daemon-side cost
   * beside the caller's.
   */
  private static long lettuceCpuNanos(ThreadMXBean threads) {
    long total = 0;
    for (var info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info != null && info.getThreadName().startsWith("lettuce-")) {
        total += Math.max(0, threads.getThreadCpuTime(info.getThreadId()));
      }
    }
    return total;
  }

  /** utime + stime of redis-server, from /proc (clock ticks of 10 ms). */
  private static long redisCpuNanos(RedisServer server) throws Exception {
    String stat = Files.readString(Path.of("/proc", Long.toString(server.process().pid()), "stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10_000_000L;
  }

  private static List<LimitRule> parse(List<String> rules) {
    return Arrays.asList(rules.stream().map(LimitRule::parse).toArray(LimitRule[]::new));
  }
}
