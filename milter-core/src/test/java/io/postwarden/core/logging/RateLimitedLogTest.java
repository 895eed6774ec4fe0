package io.postwarden.core.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.text.MessageFormat;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.ResourceBundle;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimitedLogTest {

  static final Duration MINUTE = Duration.ofMinutes(1);

  /** A logger that keeps its lines; loggable from {@code threshold} up. */
  static final class RecordingLogger implements Logger {
    final List<String> lines = new ArrayList<>();
    Level threshold = Level.ALL;

    @Override
    public String getName() {
      return "recording";
    }

    @Override
    public boolean isLoggable(Level level) {
      return level.getSeverity() >= threshold.getSeverity();
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
      lines.add(level + " " + msg);
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String format, Object... params) {
      lines.add(level + " " + (params == null ? format : MessageFormat.format(format, params)));
    }
  }

  final RecordingLogger logger = new RecordingLogger();
  final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  final RateLimitedLog log = new RateLimitedLog(logger, 3, MINUTE, nanos::get);

  void advance(Duration by) {
    nanos.addAndGet(by.toNanos());
  }

  void flood(String kind, int count) {
    for (int i = 0; i < count; i++) {
      log.log(Level.WARNING, kind, kind + " " + i);
    }
  }

  @Test
  void logsTheFirstBurstOfAKindAndHoldsBackTheRest() {
    flood("malformed", 1000);

    assertEquals(
        List.of("WARNING malformed 0", "WARNING malformed 1", "WARNING malformed 2"), logger.lines);
  }

  @Test
  void reportsWhatItHeldBackWithTheFirstLineOfTheNextPeriod() {
    flood("malformed", 1000);
    advance(MINUTE);
    log.log(Level.WARNING, "malformed", "after a minute");

    assertEquals(
        List.of(
            "WARNING malformed 0",
            "WARNING malformed 1",
            "WARNING malformed 2",
            "WARNING 997 more \"malformed\" lines not logged (at most 3 per 60 s; the metrics count every one)",
            "WARNING after a minute"),
        logger.lines);
  }

  @Test
  void aFloodLastingAnHourWritesAFewLinesPerMinute() {
    for (int minute = 0; minute < 60; minute++) {
      for (int i = 0; i < 60_000; i++) {
        log.log(Level.WARNING, "malformed", "one more");
        advance(Duration.ofMillis(1));
      }
    }

    // the first minute: 3 lines; each later minute: a summary and 3 lines
    assertEquals(3 + 59 * 4, logger.lines.size());
    assertEquals(59, logger.lines.stream().filter(l -> l.contains("59997 more")).count());
  }

  @Test
  void keepsAWindowPerKind() {
    flood("malformed", 10);
    flood("out_of_order", 10);

    assertEquals(
        List.of(
            "WARNING malformed 0",
            "WARNING malformed 1",
            "WARNING malformed 2",
            "WARNING out_of_order 0",
            "WARNING out_of_order 1",
            "WARNING out_of_order 2"),
        logger.lines);
  }

  @Test
  void withinThePeriodNothingMoreIsLoggedAndNoSummaryIsDue() {
    flood("malformed", 5);
    advance(MINUTE.minusNanos(1));
    log.log(Level.WARNING, "malformed", "still the same minute");
    advance(Duration.ofNanos(1));
    log.log(Level.WARNING, "malformed", "next minute");

    assertEquals(
        List.of(
            "WARNING malformed 0",
            "WARNING malformed 1",
            "WARNING malformed 2",
            "WARNING 3 more \"malformed\" lines not logged (at most 3 per 60 s; the metrics count every one)",
            "WARNING next minute"),
        logger.lines);
  }

  @Test
  void noSummaryAfterAQuietPeriod() {
    flood("malformed", 2);
    advance(MINUTE.multipliedBy(5));
    flood("malformed", 1);

    assertEquals(
        List.of("WARNING malformed 0", "WARNING malformed 1", "WARNING malformed 0"), logger.lines);
  }

  @Test
  void linesBelowTheLoggersLevelUseNoneOfTheBurst() {
    logger.threshold = Level.ERROR;
    flood("malformed", 10);
    logger.threshold = Level.ALL;
    flood("malformed", 1);

    assertEquals(List.of("WARNING malformed 0"), logger.lines);
  }

  @Test
  void refusesALimitThatLogsNothing() {
    assertThrows(
        IllegalArgumentException.class, () -> new RateLimitedLog(logger, 0, MINUTE, nanos::get));
    assertThrows(
        IllegalArgumentException.class,
        () -> new RateLimitedLog(logger, 3, Duration.ZERO, nanos::get));
  }
}
