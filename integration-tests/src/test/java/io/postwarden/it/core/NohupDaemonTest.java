package io.postwarden.it.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.postwarden.it.harness.Ports;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped jar started with SIGHUP ignored, as `nohup` does: the JVM then cannot handle SIGHUP
 * at all, so reload is impossible, and the daemon must say so at start instead of ignoring every
 * later reload in silence.
 */
class NohupDaemonTest {

  static final String WARNING = "SIGHUP was ignored when Postwarden started (nohup?)";

  private static Path config(Path dir, int metricsPort) throws Exception {
    return Files.writeString(
        dir.resolve("postwarden.conf"),
        PackagedDaemonTest.ownConfig(dir, Ports.freePort(), metricsPort));
  }

  private static Process start(List<String> wrapper, Path config, Path log) throws Exception {
    assertTrue(
        Files.isRegularFile(PackagedDaemonTest.JAR),
        "run the suite with `mvn verify` (scripts/test)");
    List<String> command = new ArrayList<>(wrapper);
    command.addAll(
        List.of(
            "java",
            "-jar",
            PackagedDaemonTest.JAR.toString(),
            "run",
            "--config",
            config.toString()));
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
  }

  /**
   * Stops the daemon with SIGTERM and returns all it logged: a graceful stop ends with "stopped
   * cleanly".
   */
  private static String stop(Process daemon, Path log) throws Exception {
    daemon.toHandle().destroy();
    assertTrue(daemon.waitFor(20, TimeUnit.SECONDS), "daemon did not stop on SIGTERM");
    assertEquals(0, daemon.exitValue(), PackagedDaemonTest.read(log));
    return PackagedDaemonTest.read(log);
  }

  @Test
  void underNohupTheDaemonWarnsAtStartThatSighupCannotReload(@TempDir Path dir) throws Exception {
    int metricsPort = Ports.freePort();
    Path log = dir.resolve("postwarden.log");
    Process daemon = start(List.of("nohup"), config(dir, metricsPort), log);
    try {
      PackagedDaemonTest.awaitHealthy(metricsPort, daemon, log);
      String output = stop(daemon, log);
      assertTrue(output.contains("WARNING Signals " + WARNING), output);
      assertTrue(output.contains("stopped cleanly"), output);
    } finally {
      daemon.destroyForcibly();
    }
  }

  @Test
  void aShellThatIgnoresSighupIsNoticedToo(@TempDir Path dir) throws Exception {
    int metricsPort = Ports.freePort();
    Path log = dir.resolve("postwarden.log");
    Process daemon =
        start(
            List.of("bash", "-c", "trap '' HUP; exec \"$@\"", "bash"),
            config(dir, metricsPort),
            log);
    try {
      PackagedDaemonTest.awaitHealthy(metricsPort, daemon, log);
      assertTrue(stop(daemon, log).contains(WARNING), PackagedDaemonTest.read(log));
    } finally {
      daemon.destroyForcibly();
    }
  }

  @Test
  void startedNormallyThereIsNoWarningAndSighupReloads(@TempDir Path dir) throws Exception {
    int metricsPort = Ports.freePort();
    Path log = dir.resolve("postwarden.log");
    Process daemon = start(List.of(), config(dir, metricsPort), log);
    try {
      PackagedDaemonTest.awaitHealthy(metricsPort, daemon, log);
      assertEquals(
          0, new ProcessBuilder("kill", "-HUP", Long.toString(daemon.pid())).start().waitFor());
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (!PackagedDaemonTest.read(log).contains("reloaded configuration")) {
        assertTrue(
            System.nanoTime() < deadline,
            () -> "no reload after SIGHUP:\n" + PackagedDaemonTest.read(log));
        Thread.sleep(20);
      }
      assertFalse(stop(daemon, log).contains("SIGHUP was ignored"));
    } finally {
      daemon.destroyForcibly();
    }
  }
}
