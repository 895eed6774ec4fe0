package io.postwarden.it.bench;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Milter-level throughput, daemon CPU and latency: an emulated Postfix ({@link
 * EmulatedPostfixSession}, one transaction per connection) drives each milter directly at several
 * numbers of concurrent sessions, for a fixed time each, so a slow and a fast milter take equally
 * long to measure. Setups: Postwarden with every policy for a remote client, for a local client
 * (the process lookup finds an unprivileged process behind a real loopback connection), and the
 * libmilter pass-through reference. Rounds take turns as in {@link PostfixBenchmark}. Not a test:
 * run it with {@code scripts/bench --milter}.
 */
public final class MilterBenchmark {

  private static final AtomicLong QUEUE_IDS = new AtomicLong(0x4A000000L);

  private record OpenClient(EmulatedPostfixSession.Client client, AutoCloseable connection) {}

  private interface Clients {
    OpenClient open() throws IOException;
  }

  private record Setup(
      String label,
      SocketAddress milter,
      ExternalDaemon daemon,
      Clients clients,
      boolean rewrites) {}

  private record Level(
      double transactionsPerSecond,
      double cpuMicrosPerTransaction,
      double p50Millis,
      double p99Millis) {}

  public static void main(String[] args) throws Exception {
    Duration period = Duration.ofSeconds(Integer.getInteger("bench.seconds", 8));
    int rounds = Integer.getInteger("bench.rounds", 3);
    Duration warmup = Duration.ofSeconds(Integer.getInteger("bench.warmup", 5));
    int[] concurrencies =
        Arrays.stream(System.getProperty("bench.concurrency", "1,16,64").split(","))
            .mapToInt(Integer::parseInt)
            .toArray();
    BenchDirectory dir = BenchDirectory.fromProperty();
    String machine = Machine.describe();
    System.out.println("machine: " + machine);
    AtomicInteger remotePorts = new AtomicInteger();
    Clients remote =
        () ->
            new OpenClient(
                new EmulatedPostfixSession.Client(
                    "203.0.113.7", 1024 + remotePorts.getAndIncrement() % 60000, "192.0.2.25", 25),
                () -> {});
    // both milters on unix sockets, as the package listens (and as a unix socket lets Postwarden
    // ask for no reply where none is needed: ADR 0031)
    Path sockets = Files.createDirectories(dir.file("q").resolve("postwarden"));
    try (PostwardenDaemon postwarden =
            PostwardenDaemon.onUnixSockets(
                dir,
                "postwarden",
                "m",
                routingConfig(dir),
                "peer-lookup = true\nguard-allow-users = { \""
                    + LoopbackClients.CLIENT_USER
                    + "\" }",
                sockets.getParent());
        PyMilter pymilter = PyMilter.onUnixSocket(dir, sockets.resolve("py.sock"));
        LoopbackClients loopback = LoopbackClients.open(dir)) {
      Clients local =
          () -> {
            LoopbackClients.Connection connection = loopback.connect();
            return new OpenClient(connection.client(), connection);
          };
      List<Setup> setups =
          List.of(
              new Setup(
                  "Postwarden, all policies, remote client",
                  postwarden.smtpdListener(),
                  postwarden.process(),
                  remote,
                  true),
              new Setup(
                  "Postwarden, all policies, local client (process lookup)",
                  postwarden.smtpdListener(),
                  postwarden.process(),
                  local,
                  true),
              new Setup(
                  "pymilter pass-through (libmilter reference)",
                  pymilter.listener(),
                  pymilter.process(),
                  remote,
                  false));
      for (Setup setup : setups) {
        run(setup, 16, warmup);
      }
      Map<String, List<Level>> levels = new LinkedHashMap<>();
      for (int round = 1; round <= rounds; round++) {
        for (Setup setup : setups) {
          for (int concurrency : concurrencies) {
            Level level = run(setup, concurrency, period);
            levels
                .computeIfAbsent(setup.label() + " | " + concurrency, k -> new ArrayList<>())
                .add(level);
            System.out.printf(
                Locale.ROOT,
                "round %d  %-56s %2d sessions %7.0f tx/s  %7.0f µs CPU/tx  p50 %6.2f ms"
                    + "  p99 %6.2f ms%n",
                round,
                setup.label(),
                concurrency,
                level.transactionsPerSecond(),
                level.cpuMicrosPerTransaction(),
                level.p50Millis(),
                level.p99Millis());
          }
        }
      }
      System.out.printf(
          Locale.ROOT,
          "%nMilter level: unix sockets, %d s per run, one transaction per connection, %d rounds "
              + "interleaved, medians. %s%n%n",
          period.toSeconds(),
          rounds,
          machine);
      System.out.println(
          "| setup | sessions | transactions/s | daemon CPU µs/tx | p50 ms | p99 ms |");
      System.out.println("|---|---:|---:|---:|---:|---:|");
      levels.forEach(
          (key, measured) ->
              System.out.printf(
                  Locale.ROOT,
                  "| %s | %.0f | %.0f | %.2f | %.2f |%n",
                  key,
                  Stats.median(measured.stream().map(Level::transactionsPerSecond).toList()),
                  Stats.median(measured.stream().map(Level::cpuMicrosPerTransaction).toList()),
                  Stats.median(measured.stream().map(Level::p50Millis).toList()),
                  Stats.median(measured.stream().map(Level::p99Millis).toList())));
    }
  }

  /**
   * A Postfix configuration directory for Postwarden's recipient routing, as through Postfix: our
   * domain, and a virtual alias forwarding the bench's recipient off the server.
   */
  private static Path routingConfig(BenchDirectory dir) throws IOException {
    Path config = Files.createDirectories(dir.file("postfix-routing"));
    Files.writeString(
        config.resolve("virtual"), EmulatedPostfixSession.RECIPIENT + " dest@far-away.example\n");
    Files.writeString(
        config.resolve("main.cf"),
        "compatibility_level = 3.6\nmydestination = test.example, localhost\n"
            + "alias_maps =\nvirtual_alias_maps = texthash:"
            + config.resolve("virtual")
            + "\n");
    return config;
  }

  /**
   * Sessions, {@code concurrency} at a time, for {@code period}; fails on the first one that goes
   * wrong.
   */
  private static Level run(Setup setup, int concurrency, Duration period) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(concurrency);
    long cpuBefore = setup.daemon().cpuNanos();
    long start = System.nanoTime();
    long end = start + period.toNanos();
    List<Future<List<Long>>> workers = new ArrayList<>();
    for (int i = 0; i < concurrency; i++) {
      workers.add(
          pool.submit(
              () -> {
                List<Long> latencies = new ArrayList<>();
                while (System.nanoTime() < end) {
                  OpenClient client = setup.clients().open();
                  try (AutoCloseable connection = client.connection()) {
                    String queueId =
                        Long.toHexString(QUEUE_IDS.incrementAndGet()).toUpperCase(Locale.ROOT);
                    long begin = System.nanoTime();
                    EmulatedPostfixSession.Outcome outcome =
                        EmulatedPostfixSession.run(setup.milter(), client.client(), queueId);
                    latencies.add(System.nanoTime() - begin);
                    if ("ac".indexOf(outcome.verdict()) < 0
                        || outcome.srsRewritten() != setup.rewrites()) {
                      throw new IllegalStateException(
                          setup.label() + ": end of message answered " + outcome);
                    }
                  }
                }
                return latencies;
              }));
    }
    List<Long> latencies = new ArrayList<>();
    try {
      for (Future<List<Long>> worker : workers) {
        latencies.addAll(worker.get());
      }
    } finally {
      pool.shutdownNow();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    long cpu = setup.daemon().cpuNanos() - cpuBefore;
    long[] measured = latencies.stream().mapToLong(Long::longValue).toArray();
    return new Level(
        measured.length / seconds,
        cpu / 1e3 / measured.length,
        Stats.percentile(measured, 0.5) / 1e6,
        Stats.percentile(measured, 0.99) / 1e6);
  }
}
