package io.postwarden.it.bench;

import io.postwarden.it.harness.Readiness;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A daemon under measurement, started as its own process (so its CPU shows in /proc apart from the
 * driver's) with its output in a log file of the bench directory. Ready once its TCP listeners are
 * up.
 */
final class ExternalDaemon implements AutoCloseable {

  private final String name;
  private final Process process;
  private final Path log;

  private ExternalDaemon(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  static ExternalDaemon start(
      BenchDirectory dir, String name, List<String> command, InetSocketAddress... listeners) {
    Path log = dir.file(name + ".log");
    Process process;
    try {
      process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name + ": " + command, e);
    }
    dir.recordPid(process.pid());
    ExternalDaemon daemon = new ExternalDaemon(name, process, log);
    Runtime.getRuntime().addShutdownHook(new Thread(daemon::close, "stop-" + name));
    Readiness.awaitListening(
        Duration.ofSeconds(60),
        () ->
            process.isAlive()
                ? null
                : name + " exited " + process.exitValue() + ":\n" + daemon.logTail(),
        listeners);
    return daemon;
  }

  String name() {
    return name;
  }

  long pid() {
    return process.pid();
  }

  /** CPU used so far by the daemon and its children. */
  long cpuNanos() {
    if (!process.isAlive()) {
      throw new IllegalStateException(name + " died:\n" + logTail());
    }
    return ProcessCpu.ofTree(process.pid());
  }

  String logTail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  @Override
  public void close() {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
