package io.postwarden.it.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * CPU time a process has used, with its descendants, from {@code /proc/PID/stat}: utime + stime of
 * the process and of every live descendant (zombies included), plus cutime + cstime (children
 * already reaped). Daemons that fork per connection (PostSRSd 1.x) or run helpers (Postwarden's
 * {@code postmap}, Postfix's master and its services) are measured whole this way.
 *
 * <p>stat counts in 10 ms ticks, rounded down per process: a short-lived child that used 0.5 ms
 * shows 0 until its parent reaps it (cutime adds the exact sum). For single-threaded processes the
 * exact nanoseconds in {@code /proc/PID/schedstat} are used instead, so a daemon's not-yet-reaped
 * children still count.
 */
final class ProcessCpu {

  private static final Path PROC = Path.of("/proc");

  /** USER_HZ: the unit of the stat fields; 100 on every Linux architecture Debian builds for. */
  private static final long NANOS_PER_TICK = 10_000_000L;

  private ProcessCpu() {}

  /** Nanoseconds of CPU used so far by {@code pid} and its descendants; 0 once it is gone. */
  static long ofTree(long pid) {
    return ofTree(PROC, pid);
  }

  /** As {@link #ofTree(long)}, reading the proc file system mounted at {@code proc}. */
  static long ofTree(Path proc, long pid) {
    Map<Long, List<Long>> children = new HashMap<>();
    Map<Long, Long> nanos = new HashMap<>();
    try (Stream<Path> entries = Files.list(proc)) {
      for (Path entry : (Iterable<Path>) entries::iterator) {
        String name = entry.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        Stat stat = Stat.read(entry);
        if (stat != null) {
          long id = Long.parseLong(name);
          children.computeIfAbsent(stat.parent, p -> new ArrayList<>()).add(id);
          nanos.put(id, stat.nanos);
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot list " + proc, e);
    }
    long total = 0;
    List<Long> pending = new ArrayList<>(List.of(pid));
    while (!pending.isEmpty()) {
      long next = pending.remove(pending.size() - 1);
      total += nanos.getOrDefault(next, 0L);
      pending.addAll(children.getOrDefault(next, List.of()));
    }
    return total;
  }

  private record Stat(long parent, long nanos) {

    /**
     * Fields after the command name, which may itself hold spaces and parentheses: ppid is the 4th
     * field, utime, stime, cutime, cstime the 14th to 17th, num_threads the 20th.
     */
    static Stat read(Path process) {
      String stat;
      try {
        stat = Files.readString(process.resolve("stat"));
      } catch (IOException gone) {
        return null;
      }
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long ownNanos = (Long.parseLong(f[11]) + Long.parseLong(f[12])) * NANOS_PER_TICK;
      long reapedNanos = (Long.parseLong(f[13]) + Long.parseLong(f[14])) * NANOS_PER_TICK;
      if (Long.parseLong(f[17]) == 1) {
        ownNanos = Math.max(ownNanos, scheduledNanos(process));
      }
      return new Stat(Long.parseLong(f[1]), ownNanos + reapedNanos);
    }

    /**
     * The first field of schedstat: nanoseconds the (only) thread ran; 0 when the kernel does not
     * say.
     */
    private static long scheduledNanos(Path process) {
      try {
        return Long.parseLong(Files.readString(process.resolve("schedstat")).split(" ", 2)[0]);
      } catch (IOException | RuntimeException unavailable) {
        return 0;
      }
    }
  }
}
