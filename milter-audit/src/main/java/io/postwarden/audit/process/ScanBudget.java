package io.postwarden.audit.process;

import java.util.function.LongSupplier;

/**
 * What is left of one lookup's {@link ScanLimits}, and which limit ran out first. Not thread-safe:
 * one per lookup.
 */
final class ScanBudget {

  private final ScanLimits limits;
  private final LongSupplier nanoClock;
  private final long deadline;
  private int processes;
  private int fds;
  private String exhausted;

  /**
   * @param nanoClock {@link System#nanoTime}, or a test's own clock
   */
  ScanBudget(ScanLimits limits, LongSupplier nanoClock) {
    this.limits = limits;
    this.nanoClock = nanoClock;
    this.deadline = nanoClock.getAsLong() + limits.time().toNanos();
  }

  /** Whether one more process's uid may be read. */
  boolean tryStat() {
    return inTime();
  }

  /** Whether one more fd table may be read. */
  boolean tryProcess() {
    if (processes >= limits.processes()) {
      return exhaust("read the fds of " + limits.processes() + " processes");
    }
    processes++;
    return inTime();
  }

  /** Whether one more fd link may be read. */
  boolean tryFd() {
    if (fds >= limits.fds()) {
      return exhaust("read " + limits.fds() + " fds");
    }
    fds++;
    return inTime();
  }

  /** How many more fd links may be read. */
  int fdsLeft() {
    return limits.fds() - fds;
  }

  /** The limit that stopped the scan, e.g. "read the fds of 512 processes"; null while none has. */
  String exhausted() {
    return exhausted;
  }

  private boolean inTime() {
    return exhausted == null && nanoClock.getAsLong() - deadline < 0
        || exhaust("spent " + limits.time().toMillis() + " ms");
  }

  private boolean exhaust(String limit) {
    if (exhausted == null) {
      exhausted = limit;
    }
    return false;
  }
}
