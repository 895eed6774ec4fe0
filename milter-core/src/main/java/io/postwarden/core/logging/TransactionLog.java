package io.postwarden.core.logging;

import io.postwarden.core.policy.Modification;
import io.postwarden.core.session.SessionObserver;
import io.postwarden.core.session.TransactionRecord;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.stream.Collectors;

/**
 * One line per transaction, key=value, with the queue id first so `grep QUEUEID` finds it beside
 * Postfix's log.
 */
public final class TransactionLog implements SessionObserver {

  private static final Logger LOG = System.getLogger("postwarden.transaction");

  @Override
  public void transactionEnded(TransactionRecord record) {
    if (!LOG.isLoggable(Level.INFO)) {
      return;
    }
    LOG.log(Level.INFO, format(record));
  }

  static String format(TransactionRecord record) {
    StringBuilder line = new StringBuilder(160);
    field(line, "queue_id", record.queueId() == null ? "-" : record.queueId());
    field(line, "outcome", record.outcome().label());
    field(line, "client", record.client().toString());
    field(line, "client_name", record.clientHostname());
    field(line, "sasl_user", record.authenticatedUser() == null ? "-" : record.authenticatedUser());
    field(line, "from", "<" + record.sender() + ">");
    // the new envelope sender (SRS) here, so one line per message says what the message became
    record.modifications().stream()
        .filter(Modification.ChangeSender.class::isInstance)
        .reduce((first, last) -> last)
        .ifPresent(
            change ->
                field(
                    line, "new_from", "<" + ((Modification.ChangeSender) change).address() + ">"));
    field(line, "rcpts", Integer.toString(record.recipients()));
    field(line, "by", record.decidedBy() == null ? "-" : record.decidedBy());
    field(
        line,
        "mods",
        record.modifications().isEmpty()
            ? "-"
            : record.modifications().stream()
                .map(modification -> modification.getClass().getSimpleName())
                .collect(Collectors.joining(",")));
    field(line, "ms", milliseconds(record.duration().toNanos()));
    return line.toString();
  }

  /** As {@code String.format("%.1f", nanos / 1e6)} (half up), without a Formatter per line. */
  static String milliseconds(long nanos) {
    long tenths = Math.round(nanos / 1e5);
    return (tenths / 10) + "." + (tenths % 10);
  }

  /**
   * Values with spaces, quotes or controls are quoted and escaped so a line can always be parsed
   * back.
   */
  private static void field(StringBuilder line, String key, String value) {
    if (line.length() > 0) {
      line.append(' ');
    }
    line.append(key).append('=');
    boolean plain = !value.isEmpty();
    for (int i = 0; i < value.length() && plain; i++) {
      char c = value.charAt(i);
      plain = c > 0x20 && c < 0x7f && c != '"' && c != '\\';
    }
    if (plain) {
      line.append(value);
      return;
    }
    line.append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '"' || c == '\\') {
        line.append('\\').append(c);
      } else if (c < 0x20 || c == 0x7f || c > 0x7e) {
        line.append(String.format("\\x%02x", (int) c));
      } else {
        line.append(c);
      }
    }
    line.append('"');
  }
}
