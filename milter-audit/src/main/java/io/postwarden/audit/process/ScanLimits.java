package io.postwarden.audit.process;

import java.time.Duration;

/**
 * How much one lookup may read to find the process holding a socket. Past any limit the lookup
 * reports the socket's owner without the process.
 *
 * @param processes fd tables read at most
 * @param fds fd links read at most, over all processes
 * @param time time spent at most reading /proc
 */
record ScanLimits(int processes, int fds, Duration time) {

  /**
   * Room for a uid with a thousand small processes, and for a cold JVM's first lookups; the process
   * and fd caps bound the work (about 10 ms of CPU at worst). The time limit is wall-clock and only
   * a backstop: on a loaded host the scheduler can stall a lookup for tens of milliseconds, and a
   * limit that close to the work itself would name busy senders by uid only. A lookup of a site's
   * PHP-FPM worker takes well under 1 ms (docs/performance.md).
   */
  static final ScanLimits DEFAULT = new ScanLimits(1024, 32_768, Duration.ofMillis(100));

  /**
   * No limit worth the name: for building the process index at start-up, and for tests of other
   * things.
   */
  static final ScanLimits NONE =
      new ScanLimits(Integer.MAX_VALUE, Integer.MAX_VALUE, Duration.ofDays(1));

  ScanLimits {
    if (processes < 1 || fds < 1 || time.isNegative() || time.isZero()) {
      throw new IllegalArgumentException(
          "scan limits must be positive: " + processes + ", " + fds + ", " + time);
    }
  }
}
