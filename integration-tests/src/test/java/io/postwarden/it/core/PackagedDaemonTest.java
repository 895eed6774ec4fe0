package io.postwarden.it.core;

import static org.junit.jupiter.api.Assertions.*;

import io.postwarden.core.testing.MtaEmulator;
import io.postwarden.it.harness.Ports;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped jar as an administrator runs it: start, serve, SIGTERM with a transaction in flight,
 * exit 0.
 */
class PackagedDaemonTest {

  static final Path JAR = Path.of("../deploy/target/postwarden.jar");

  static Process start(Path config, Path log) throws IOException {
    assertTrue(
        Files.isRegularFile(JAR),
        JAR + " is missing: run the suite with `mvn verify` (scripts/test)");
    return new ProcessBuilder("java", "-jar", JAR.toString(), "run", "--config", config.toString())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
  }

  static void awaitHealthy(int metricsPort, Process process, Path log) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      assertTrue(process.isAlive(), () -> "daemon exited early:\n" + read(log));
      try {
        HttpResponse<String> health =
            http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/health"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (health.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(20);
    }
    fail("daemon not healthy in 20s:\n" + read(log));
  }

  /**
   * A configuration that keeps everything in {@code dir} (secrets, keys, the audit log, no limits
   * state or control socket), so a test daemon never touches /var/lib/postwarden.
   */
  static String ownConfig(Path dir, int milterPort, int metricsPort) {
    return "milter = \"inet:127.0.0.1:"
        + milterPort
        + "\"\n"
        + "non-smtpd-milter = \"inet:127.0.0.1:"
        + Ports.freePort()
        + "\"\n"
        + "metrics-listen = \"127.0.0.1:"
        + metricsPort
        + "\"\nlimits-control-socket = \"\"\nlimits-state-file = \"\"\n"
        + "secrets-file = \""
        + dir.resolve("srs.secret")
        + "\"\n"
        + "audit-key-file = \""
        + dir.resolve("audit.key")
        + "\"\n"
        + "audit-log = \""
        + dir.resolve("audit.log")
        + "\"\n";
  }

  static String read(Path log) {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return e.toString();
    }
  }

  @Test
  void sigtermLetsTheTransactionInFlightFinishThenExitsZero(@TempDir Path dir) throws Exception {
    int milterPort = Ports.freePort();
    int metricsPort = Ports.freePort();
    Path config =
        Files.writeString(
            dir.resolve("postwarden.conf"),
            ownConfig(dir, milterPort, metricsPort) + "shutdown-grace = 10s\n");
    Path log = dir.resolve("postwarden.log");
    Process daemon = start(config, log);
    try {
      awaitHealthy(metricsPort, daemon, log);
      try (MtaEmulator mta = MtaEmulator.connect(new InetSocketAddress("127.0.0.1", milterPort))) {
        mta.openSession("127.0.0.1", 40000);
        mta.macros(
            'M', Map.of("{auth_authen}", "alice")); // a local client must log in to pass the guard
        MtaEmulator.expectContinue(mta.mail("<ann@outside.example>"));
        daemon.toHandle().destroy(); // SIGTERM
        Thread.sleep(300);
        assertTrue(daemon.isAlive(), "must wait for the session in flight");
        MtaEmulator.expectContinue(mta.rcpt("<bob@test.example>"));
        List<io.postwarden.core.testing.MtaReply> replies = mta.endOfMessage();
        assertEquals('c', replies.get(replies.size() - 1).code(), replies::toString);
        assertTrue(
            replies.stream()
                .anyMatch(r -> r.code() == 'h' && r.text().startsWith("X-Postwarden-Audit\0")),
            replies::toString);
        mta.quit();
      }
      assertTrue(daemon.waitFor(10, TimeUnit.SECONDS), "daemon did not stop");
      assertEquals(0, daemon.exitValue(), read(log));
      String output = read(log);
      assertTrue(output.contains("outcome=accepted"), output);
      assertTrue(output.contains("stopped cleanly"), output);
    } finally {
      daemon.destroyForcibly();
    }
  }

  @Test
  void sighupReloadsTheFileAndABadEditIsRefused(@TempDir Path dir) throws Exception {
    int milterPort = Ports.freePort();
    int metricsPort = Ports.freePort();
    String base = ownConfig(dir, milterPort, metricsPort);
    Path config = Files.writeString(dir.resolve("postwarden.conf"), base + "guard = no\n");
    Path log = dir.resolve("postwarden.log");
    Process daemon = start(config, log);
    try {
      awaitHealthy(metricsPort, daemon, log);
      Files.writeString(config, base + "guard = yes\n");
      hangUp(daemon, log, "reloaded configuration");
      assertEquals(530, guardReply(milterPort));

      Files.writeString(config, base + "guard = maybe\n");
      hangUp(daemon, log, "reload refused");
      assertTrue(
          read(log).contains(config + ":" + (base.lines().count() + 1) + ": guard:"), read(log));
      assertEquals(530, guardReply(milterPort), "the running configuration is kept");
      assertTrue(daemon.isAlive());
    } finally {
      daemon.destroyForcibly();
    }
  }

  private static void hangUp(Process daemon, Path log, String expected) throws Exception {
    int seen = read(log).split(expected, -1).length;
    assertEquals(
        0, new ProcessBuilder("kill", "-HUP", Long.toString(daemon.pid())).start().waitFor());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (read(log).split(expected, -1).length == seen) {
      assertTrue(
          System.nanoTime() < deadline,
          () -> "no \"" + expected + "\" after SIGHUP:\n" + read(log));
      Thread.sleep(20);
    }
  }

  /**
   * The SMTP code the milter gives an unauthenticated local client at MAIL, 250 when it lets it
   * through.
   */
  private static int guardReply(int milterPort) throws Exception {
    try (MtaEmulator mta = MtaEmulator.connect(new InetSocketAddress("127.0.0.1", milterPort))) {
      mta.openSession("127.0.0.1", 40000);
      io.postwarden.core.testing.MtaReply reply = mta.mail("<ann@outside.example>");
      return reply.code() == 'y' ? Integer.parseInt(reply.text().substring(0, 3)) : 250;
    }
  }

  @Test
  void badConfigStopsStartupWithFileLineAndKey(@TempDir Path dir) throws Exception {
    Path config =
        Files.writeString(
            dir.resolve("bad.conf"), "milter = \"inet:127.0.0.1:1\"\npolicy-timeout = 5x\n");
    Path log = dir.resolve("out.log");
    Process daemon = start(config, log);
    assertTrue(daemon.waitFor(20, TimeUnit.SECONDS));
    assertEquals(78, daemon.exitValue());
    assertTrue(read(log).contains(config + ":2: policy-timeout:"), read(log));
  }
}
