package io.postwarden.core.logging;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/**
 * {@code 2026-11-25T09:00:00.123Z INFO logger message}, one line per record (stack traces follow,
 * indented).
 */
public final class OneLineFormatter extends Formatter {

  @Override
  public String format(LogRecord record) {
    StringBuilder line =
        new StringBuilder(200)
            .append(Instant.ofEpochMilli(record.getMillis()))
            .append(' ')
            .append(record.getLevel().getName())
            .append(' ')
            .append(shortName(record.getLoggerName()))
            .append(' ')
            .append(formatMessage(record).replace('\n', ' '))
            .append('\n');
    if (record.getThrown() != null) {
      StringWriter trace = new StringWriter();
      record.getThrown().printStackTrace(new PrintWriter(trace));
      line.append(trace.toString().indent(2));
    }
    return line.toString();
  }

  private static String shortName(String logger) {
    if (logger == null) {
      return "-";
    }
    return logger.startsWith("io.postwarden.")
        ? logger.substring(logger.lastIndexOf('.') + 1)
        : logger;
  }
}
