package io.postwarden.it.harness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Collectors;

/** Small helpers for daemons we started (they are not our children once they have daemonized). */
final class Daemons {

  private Daemons() {}

  /**
   * Reads a pid file such as Postfix's {@code pid/master.pid} (space padded) or Dovecot's {@code
   * master.pid}.
   */
  static OptionalLong readPid(Path pidFile) {
    try {
      String s = Files.readString(pidFile, StandardCharsets.US_ASCII).trim();
      return s.isEmpty() ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(s));
    } catch (IOException | NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  /**
   * Whether the process exists and is not a zombie. ProcessHandle.isAlive() counts zombies as
   * alive, and in this sandbox PID 1 reaps orphaned zombies only every ~2 s, which made every stop
   * wait that long.
   */
  static boolean alive(long pid) {
    try {
      String stat =
          Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
      int paren = stat.lastIndexOf(") ");
      return paren < 0 || stat.charAt(paren + 2) != 'Z';
    } catch (IOException e) {
      return false;
    }
  }

  static boolean alive(ProcessHandle ph) {
    return alive(ph.pid());
  }

  /** The process's working directory, resolved; empty if the process is gone. */
  static Optional<Path> cwd(long pid) {
    try {
      return Optional.of(Path.of("/proc", Long.toString(pid), "cwd").toRealPath());
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /**
   * The process's command line, NUL separators turned into spaces; empty if the process is gone.
   */
  static String cmdline(long pid) {
    try {
      return new String(
              Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")),
              StandardCharsets.UTF_8)
          .replace('\0', ' ')
          .trim();
    } catch (IOException e) {
      return "";
    }
  }

  /**
   * SIGTERM, wait up to {@code grace}, then SIGKILL the process and whatever children it still has.
   */
  static void terminate(long pid, Duration grace) {
    Optional<ProcessHandle> ph = ProcessHandle.of(pid);
    if (ph.isEmpty()) {
      return;
    }
    List<ProcessHandle> children = ph.get().descendants().collect(Collectors.toList());
    ph.get().destroy();
    if (!Readiness.poll(grace, () -> !alive(pid))) {
      ph.get().destroyForcibly();
    }
    // Postfix/Dovecot children exit on their own when the master goes; make sure of it.
    if (!Readiness.poll(Duration.ofSeconds(2), () -> children.stream().noneMatch(Daemons::alive))) {
      children.forEach(ProcessHandle::destroyForcibly);
    }
  }
}
