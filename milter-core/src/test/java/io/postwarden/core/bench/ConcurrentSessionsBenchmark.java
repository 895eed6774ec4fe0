package io.postwarden.core.bench;

import io.postwarden.core.CoreKeys;
import io.postwarden.core.config.Config;
import io.postwarden.core.policy.Decision;
import io.postwarden.core.policy.Modification.AddHeader;
import io.postwarden.core.policy.Modification.Capability;
import io.postwarden.core.server.MilterServer;
import io.postwarden.core.server.PolicyWorkers;
import io.postwarden.core.session.PolicyChain;
import io.postwarden.core.session.SessionObserver;
import io.postwarden.core.testing.MtaEmulator;
import io.postwarden.core.testing.ScriptedPolicy;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Hundreds of milter sessions open at once against one listener, each running transactions with a
 * policy at MAIL and at end of message (so every transaction crosses the worker pool twice).
 * Reports transactions per second and the heap in use with every session open. Not a test: run it
 * with {@code scripts/bench-sessions}, which gives the JVM a small heap on purpose.
 */
public final class ConcurrentSessionsBenchmark {

  public static void main(String[] args) throws Exception {
    int sessions = Integer.getInteger("sessions", 500);
    int clients = Integer.getInteger("clients", 50);
    int transactionsPerSession = Integer.getInteger("transactions", 20);
    ScriptedPolicy policy =
        new ScriptedPolicy("bench")
            .may(Capability.ADD_HEADERS)
            .onMail(tx -> Decision.CONTINUE)
            .onEndOfMessage(tx -> Decision.modify(new AddHeader("X-Postwarden-Bench", "1")));
    PolicyWorkers workers = new PolicyWorkers(16, 4096, Duration.ofSeconds(20));
    // every session comes from 127.0.0.1, as Postfix's would: the per-peer cap must admit them all
    Config config =
        Config.parse(
            "milter = \"inet:127.0.0.1:0\"\nnon-smtpd-milter = \"inet:127.0.0.1:0\"\n"
                + "max-sessions = "
                + (sessions + 10)
                + "\nmax-sessions-per-peer = "
                + (sessions + 10)
                + "\n",
            "benchmark",
            CoreKeys.SCHEMA);
    MilterServer server =
        new MilterServer(
            CoreKeys.serverSettings(config),
            new PolicyChain(List.of(policy)),
            workers,
            new SessionObserver() {});
    server.start();
    try {
      List<MtaEmulator> open = new ArrayList<>();
      for (int i = 0; i < sessions; i++) {
        MtaEmulator mta = MtaEmulator.connect(server.boundAddresses().get(0));
        mta.openSession("127.0.0.1", 10_000 + i);
        open.add(mta);
      }
      System.gc();
      long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
      System.out.printf(
          Locale.ROOT,
          "%d sessions open: heap in use after GC %.1f MiB (max %.0f MiB), "
              + "server reports %d active%n",
          sessions,
          heap / 1048576.0,
          Runtime.getRuntime().maxMemory() / 1048576.0,
          server.activeSessions());

      ExecutorService pool = Executors.newFixedThreadPool(clients);
      long start = System.nanoTime();
      List<Future<?>> work = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        List<MtaEmulator> mine = open.subList(c * sessions / clients, (c + 1) * sessions / clients);
        work.add(
            pool.submit(
                () -> {
                  for (int t = 0; t < transactionsPerSession; t++) {
                    for (MtaEmulator mta : mine) {
                      var replies =
                          mta.transaction(
                              "a@x.example", List.of("b@y.example"), Map.of("Subject", "s"));
                      if (replies.get(replies.size() - 1).code() != 'c') {
                        throw new IllegalStateException("unexpected " + replies);
                      }
                      mta.abort();
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> done : work) {
        done.get();
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      long total = (long) sessions * transactionsPerSession;
      System.out.printf(
          Locale.ROOT,
          "%d transactions over %d sessions from %d client threads: %.0f/s "
              + "(%.2f ms each per client thread)%n",
          total,
          sessions,
          clients,
          total / seconds,
          seconds * 1000 * clients / total);
      pool.shutdown();
      for (MtaEmulator mta : open) {
        mta.close();
      }
    } finally {
      server.close();
      workers.close();
    }
  }
}
