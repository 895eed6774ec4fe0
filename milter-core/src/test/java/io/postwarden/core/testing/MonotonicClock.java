package io.postwarden.core.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock that starts at a chosen instant and moves on with the JVM's monotonic time: for
 * benchmarks that need time to pass without reading the wall clock (the suite runs on any day, and
 * shifted).
 */
public final class MonotonicClock extends Clock {

  private final Instant start;
  private final long startNanos;

  private MonotonicClock(Instant start, long startNanos) {
    this.start = start;
    this.startNanos = startNanos;
  }

  public static Clock startingAt(Instant start) {
    return new MonotonicClock(start, System.nanoTime());
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return zone.equals(ZoneOffset.UTC) ? this : Clock.offset(this, Duration.ZERO).withZone(zone);
  }

  @Override
  public Instant instant() {
    return start.plusNanos(System.nanoTime() - startNanos);
  }
}
