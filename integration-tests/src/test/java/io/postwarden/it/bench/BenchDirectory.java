package io.postwarden.it.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The scratch directory {@code scripts/bench} makes on tmpfs for one run: configuration, secrets,
 * audit and daemon logs. Every daemon started is listed in its {@code pids} file, so the script's
 * exit trap can stop what a killed driver left behind.
 */
record BenchDirectory(Path root) {

  /** The directory named by {@code -Dbench.dir}. */
  static BenchDirectory fromProperty() {
    String dir = System.getProperty("bench.dir");
    if (dir == null) {
      throw new IllegalStateException("-Dbench.dir is not set: run scripts/bench");
    }
    return new BenchDirectory(Path.of(dir));
  }

  /** The repository's root (for the daemon's jar and JVM options), from {@code -Dbench.root}. */
  static Path repositoryRoot() {
    return Path.of(System.getProperty("bench.root", "."));
  }

  Path file(String name) {
    return root.resolve(name);
  }

  Path write(String name, String content) {
    try {
      return Files.writeString(file(name), content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void recordPid(long pid) {
    try {
      Files.writeString(
          file("pids"), pid + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
