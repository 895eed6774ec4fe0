package io.postwarden.it.core;

import static io.postwarden.core.testing.MilterPacketIO.*;
import static org.junit.jupiter.api.Assertions.*;

import io.postwarden.core.testing.MtaEmulator;
import io.postwarden.core.testing.MtaReply;
import io.postwarden.it.harness.Ports;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped jar with the package's JVM options in a 48 MiB heap, flooded by several milter
 * connections with HEADER packets of the largest size accepted: each flood transaction is
 * tempfailed at its memory bound, and the daemon lives on to serve a normal transaction. Before the
 * bound, a few dozen such headers ran the JVM out of memory (-XX:+ExitOnOutOfMemoryError: the
 * daemon exited).
 */
class SmallHeapFloodTest {

  private static final int CONNECTIONS = 8;
  private static final int HEADERS_PER_CONNECTION = 40;

  /** A header packet at the frame limit (1 MiB): command, name, NUL, value, NUL. */
  private static final byte[] HUGE_HEADER =
      packet('L', strings("X-Flood", "x".repeat((1 << 20) - 16)));

  @Test
  void maxSizeHeaderFloodTempfailsTheFloodAndTheDaemonServesOn(@TempDir Path dir) throws Exception {
    int milterPort = Ports.freePort();
    int metricsPort = Ports.freePort();
    Path config =
        Files.writeString(
            dir.resolve("postwarden.conf"),
            PackagedDaemonTest.ownConfig(dir, milterPort, metricsPort));
    Path log = dir.resolve("postwarden.log");
    assertTrue(Files.isRegularFile(PackagedDaemonTest.JAR), "run mvn package first");
    Process daemon =
        new ProcessBuilder(
                "java",
                "-Xms32m",
                "-Xmx48m",
                "-XX:+UseSerialGC",
                "-XX:+ExitOnOutOfMemoryError",
                "-jar",
                PackagedDaemonTest.JAR.toString(),
                "run",
                "--config",
                config.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    ExecutorService flooders = Executors.newFixedThreadPool(CONNECTIONS);
    try {
      PackagedDaemonTest.awaitHealthy(metricsPort, daemon, log);
      InetSocketAddress milter = new InetSocketAddress("127.0.0.1", milterPort);
      AtomicInteger tempfailed = new AtomicInteger();
      List<Future<?>> floods = new ArrayList<>();
      for (int i = 0; i < CONNECTIONS; i++) {
        floods.add(
            flooders.submit(
                () -> {
                  flood(milter, tempfailed);
                  return null;
                }));
      }
      for (Future<?> flood : floods) {
        flood.get(120, TimeUnit.SECONDS);
      }
      assertTrue(daemon.isAlive(), () -> "the daemon died:\n" + PackagedDaemonTest.read(log));
      assertEquals(CONNECTIONS, tempfailed.get(), "every flood transaction was tempfailed");

      try (MtaEmulator mta = MtaEmulator.connect(milter)) {
        mta.openSession("127.0.0.1", 40000);
        mta.macros('M', Map.of("{auth_authen}", "alice"));
        List<MtaReply> replies =
            mta.transaction(
                "alice@test.example",
                List.of("bob@outside.example"),
                Map.of("Subject", "after the flood"));
        assertEquals('c', replies.get(replies.size() - 1).code(), replies::toString);
      }
      String metrics =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      assertTrue(
          metrics
              .lines()
              .anyMatch(
                  line ->
                      line.matches(
                          "postwarden_errors_total\\{kind=\"transaction_("
                              + "too_large|memory_full)\"} [1-9].*")),
          metrics);
    } finally {
      flooders.shutdownNow();
      daemon.destroyForcibly();
    }
  }

  /**
   * One session: an authenticated transaction whose headers never end, until Postwarden stops it.
   */
  private static void flood(InetSocketAddress milter, AtomicInteger tempfailed) throws IOException {
    try (MtaEmulator mta = MtaEmulator.connect(milter)) {
      mta.openSession("127.0.0.1", 40000);
      mta.macros('M', Map.of("{auth_authen}", "alice"));
      MtaEmulator.expectContinue(mta.mail("<alice@test.example>"));
      MtaEmulator.expectContinue(mta.rcpt("<bob@outside.example>"));
      MtaEmulator.expectContinue(mta.data());
      for (int i = 0; i < HEADERS_PER_CONNECTION; i++) {
        mta.sendRaw(HUGE_HEADER);
        MtaReply reply = mta.read();
        if (reply.code() != 'c') {
          assertTrue(reply.code() == 'y' && reply.text().startsWith("451 "), reply::toString);
          tempfailed.incrementAndGet();
          return;
        }
      }
    }
  }
}
