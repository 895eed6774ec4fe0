package io.postwarden.core.logging;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Logs at most {@code burst} lines of each kind per {@code period}, so a flood (a malformed session
 * per millisecond, a disk that stays full) cannot fill the disk with log. What it leaves out is
 * reported in one line, "N more … not logged", written with the first line of that kind that is let
 * through again; the events themselves are counted by the caller's metrics, every one. Kinds must
 * come from a closed set: one window is kept per kind.
 */
public final class RateLimitedLog {

  /** Lines of one kind per minute: enough to see what is happening, too few to matter on disk. */
  public static final int DEFAULT_BURST = 5;

  private final Logger logger;
  private final int burst;
  private final long periodNanos;
  private final LongSupplier nanoTime;
  private final Map<String, Window> windows = new HashMap<>();

  /**
   * @param nanoTime a monotonic clock in nanoseconds, {@code System::nanoTime} in production
   */
  public RateLimitedLog(Logger logger, int burst, Duration period, LongSupplier nanoTime) {
    if (burst < 1 || period.isNegative() || period.isZero()) {
      throw new IllegalArgumentException("burst must be at least 1 and period positive");
    }
    this.logger = logger;
    this.burst = burst;
    this.periodNanos = period.toNanos();
    this.nanoTime = nanoTime;
  }

  /** {@link #DEFAULT_BURST} lines per kind per minute, on the system's monotonic clock. */
  public static RateLimitedLog perMinute(Logger logger) {
    return new RateLimitedLog(logger, DEFAULT_BURST, Duration.ofMinutes(1), System::nanoTime);
  }

  /**
   * Logs {@code message}, unless this kind has had its {@code burst} lines in the current period.
   */
  public synchronized void log(Level level, String kind, String message) {
    if (!logger.isLoggable(level)) {
      return;
    }
    long now = nanoTime.getAsLong();
    Window window = windows.computeIfAbsent(kind, k -> new Window(now));
    if (now - window.start >= periodNanos) {
      if (window.suppressed > 0) {
        logger.log(
            level,
            window.suppressed
                + " more \""
                + kind
                + "\" lines not logged (at most "
                + burst
                + " per "
                + Duration.ofNanos(periodNanos).toSeconds()
                + " s; the metrics count every one)");
      }
      window.start = now;
      window.logged = 0;
      window.suppressed = 0;
    }
    if (window.logged < burst) {
      window.logged++;
      logger.log(level, message);
    } else {
      window.suppressed++;
    }
  }

  private static final class Window {
    long start;
    int logged;
    long suppressed;

    Window(long start) {
      this.start = start;
    }
  }
}
