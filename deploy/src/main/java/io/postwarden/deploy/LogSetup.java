package io.postwarden.deploy;

import io.postwarden.core.logging.OneLineFormatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import java.util.logging.StreamHandler;

/** Sends every log record (ours, Netty's) to stderr as one line each; journald adds time and unit. */
public final class LogSetup {

  private LogSetup() {}

  public static void configure(Level level) {
    LogManager.getLogManager().reset();
    Logger root = Logger.getLogger("");
    Handler handler = new StreamHandler(System.err, new OneLineFormatter()) {
      @Override
      public synchronized void publish(java.util.logging.LogRecord record) {
        super.publish(record);
        flush();
      }
    };
    handler.setLevel(Level.ALL);
    root.addHandler(handler);
    root.setLevel(level);
    // Netty's debug chatter is for Netty developers
    Logger.getLogger("io.netty").setLevel(level.intValue() < Level.INFO.intValue() ? Level.INFO : level);
  }
}
