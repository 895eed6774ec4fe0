package io.postwarden.deploy;

import io.postwarden.core.logging.OneLineFormatter;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.StreamHandler;

/**
 * Sends every log record (ours, Netty's) to stderr as one line each; journald adds time and unit.
 * Called again on reload, it only changes the level.
 */
public final class LogSetup {

  private static boolean installed;

  /**
   * Held here: the log manager keeps loggers only weakly, and would forget the level set on a
   * collected one.
   */
  private static final Logger LETTUCE_RECONNECTS = Logger.getLogger("io.lettuce.core.protocol");

  private LogSetup() {}

  public static synchronized void configure(Level level) {
    Logger root = Logger.getLogger("");
    if (!installed) {
      LogManager.getLogManager().reset();
      root.addHandler(new StderrHandler());
      installed = true;
    }
    root.setLevel(level);
    // Netty's debug chatter is for Netty developers
    Logger.getLogger("io.netty")
        .setLevel(level.intValue() < Level.INFO.intValue() ? Level.INFO : level);
    // Lettuce logs each reconnect attempt to a Redis that is down (every 2 s); the limits log it,
    // rate-limited
    LETTUCE_RECONNECTS.setLevel(Level.SEVERE);
  }

  /** Flushes each record; never closes stderr, which outlives any logging configuration. */
  private static final class StderrHandler extends StreamHandler {

    StderrHandler() {
      super(System.err, new OneLineFormatter());
      setLevel(Level.ALL);
    }

    @Override
    public synchronized void publish(LogRecord record) {
      super.publish(record);
      flush();
    }

    @Override
    public synchronized void close() {
      flush();
    }
  }
}
