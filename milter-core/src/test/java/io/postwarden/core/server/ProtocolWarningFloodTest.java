package io.postwarden.core.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.postwarden.core.logging.RateLimitedLog;
import io.postwarden.core.metrics.MilterMetrics;
import io.postwarden.core.testing.MtaEmulator;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * A local user opening malformed sessions as fast as it can must not be able to fill the disk with
 * log.
 */
class ProtocolWarningFloodTest {

  static final int SESSIONS_PER_KIND = 300;

  /** Keeps the warnings that the session layer and the server log. */
  static final class Captured extends Handler {
    final List<String> lines = new CopyOnWriteArrayList<>();

    @Override
    public void publish(LogRecord record) {
      if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
        lines.add(record.getLoggerName() + ": " + record.getMessage());
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  }

  @Test
  void aFloodOfMalformedSessionsLogsAFewLinesAndCountsEverySession() throws Exception {
    // held strongly: the log manager keeps loggers only weakly
    Logger core = Logger.getLogger("io.postwarden.core");
    Captured captured = new Captured();
    core.addHandler(captured);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (RunningServer server =
        new RunningServer(
            RunningServer.settings("inet:127.0.0.1:0"),
            Duration.ofSeconds(5),
            new MilterMetrics(registry, List.of()))) {
      for (int i = 0; i < SESSIONS_PER_KIND; i++) {
        try (MtaEmulator outOfOrder = MtaEmulator.connect(server.address())) {
          outOfOrder.send('M', "<a@x.example>\0".getBytes()); // MAIL before option negotiation
          assertTrue(outOfOrder.closedByPeer());
        }
        try (MtaEmulator garbage = MtaEmulator.connect(server.address())) {
          garbage.sendRaw("GET / HTTP/1.0\r\n\r\n".getBytes()); // not a milter frame at all
          assertTrue(garbage.closedByPeer());
        }
      }
    } finally {
      core.removeHandler(captured);
    }

    double counted =
        registry.find("postwarden.errors").counters().stream().mapToDouble(Counter::count).sum();
    assertEquals(2 * SESSIONS_PER_KIND, counted, "every malformed session is counted");
    // two kinds of warning; a flood of seconds spans at most two of the limiter's one-minute
    // periods
    int bound = 2 * 2 * (RateLimitedLog.DEFAULT_BURST + 1);
    assertTrue(
        captured.lines.size() <= bound,
        captured.lines.size()
            + " warnings logged for "
            + 2 * SESSIONS_PER_KIND
            + " sessions, more than "
            + bound
            + "; the first: "
            + captured.lines.subList(0, Math.min(5, captured.lines.size())));
  }
}
