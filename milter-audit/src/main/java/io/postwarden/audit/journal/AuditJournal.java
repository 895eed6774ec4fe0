package io.postwarden.audit.journal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.postwarden.audit.forensics.AuditRecord;
import io.postwarden.audit.forensics.RecordText;
import io.postwarden.core.logging.RateLimitedLog;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Copies each audit record to the systemd journal as one structured entry: a MESSAGE to read,
 * POSTWARDEN_* fields to filter on ({@code journalctl POSTWARDEN_UNIX_USER=www-shop}), and the
 * whole record in POSTWARDEN_RECORD. Runs on the audit log's writer thread, never on the milter
 * path; a send that fails (no journald, its queue full) loses only the journal's copy, is counted
 * and logged at most a few times a minute. An entry stays below {@link #DATAGRAM_LIMIT}: each value
 * is cut at {@link #VALUE_LIMIT} characters, and a record too large for the rest is left out of
 * POSTWARDEN_RECORD (counted), since the file keeps it whole.
 */
public final class AuditJournal implements Consumer<String> {

  private static final System.Logger LOG = System.getLogger(AuditJournal.class.getName());
  private static final RateLimitedLog FAILURES = RateLimitedLog.perMinute(LOG);

  /**
   * Well below the datagram size Linux allows with default buffers (about 208 KiB), so the memfd
   * form of the protocol is never needed.
   */
  static final int DATAGRAM_LIMIT = 96 * 1024;

  static final int VALUE_LIMIT = 4096;

  private final JournalSocket socket;
  private final Counter sent;
  private final Counter shortened;
  private final Map<JournalSocket.Failure, Counter> failed =
      new EnumMap<>(JournalSocket.Failure.class);

  AuditJournal(JournalSocket socket, MeterRegistry registry) {
    this.socket = socket;
    this.sent =
        Counter.builder("postwarden.audit.journal.sent")
            .description("Audit records copied to the systemd journal (audit-journal)")
            .register(registry);
    this.shortened =
        Counter.builder("postwarden.audit.journal.shortened")
            .description(
                "Audit records copied to the journal without POSTWARDEN_RECORD, too large for one"
                    + " datagram; the audit log has them whole")
            .register(registry);
    for (JournalSocket.Failure failure : JournalSocket.Failure.values()) {
      failed.put(
          failure,
          Counter.builder("postwarden.audit.journal.failed")
              .description(
                  "Audit records the journal did not get: absent (no journald), busy (its queue"
                      + " full), too_large, error")
              .tag("reason", failure.label())
              .register(registry));
    }
  }

  /**
   * @param socket journald's native socket, normally /run/systemd/journal/socket
   */
  public static AuditJournal to(Path socket, MeterRegistry registry) {
    return new AuditJournal(new JournalSocket(socket), registry);
  }

  /**
   * @throws IllegalArgumentException when the path cannot be a socket's (over 107 bytes)
   */
  public static void checkSocketPath(Path socket) {
    new JournalSocket(socket);
  }

  /** Sends one audit log line; never throws. */
  @Override
  public void accept(String line) {
    byte[] datagram;
    try {
      datagram = entry(AuditRecord.parse(line), line);
    } catch (IllegalArgumentException notARecord) {
      fail(JournalSocket.Failure.ERROR, "cannot read an audit record: " + notARecord.getMessage());
      return;
    }
    try {
      socket.send(datagram);
      sent.increment();
    } catch (JournalSocket.SendException e) {
      fail(e.failure(), e.getMessage());
    } catch (LinkageError e) { // JNA or its native part missing
      fail(JournalSocket.Failure.ERROR, "cannot reach libc through JNA: " + e);
    }
  }

  private void fail(JournalSocket.Failure failure, String reason) {
    failed.get(failure).increment();
    FAILURES.log(
        Level.WARNING,
        "audit journal " + failure.label(),
        "audit record not copied to the journal: " + reason);
  }

  byte[] entry(AuditRecord record, String line) {
    JournalEntry entry =
        new JournalEntry()
            .field("MESSAGE", bounded(Optional.of("audit " + RecordText.description(record))))
            .field("PRIORITY", record.refused() || record.event().equals("hold") ? "5" : "6")
            .field("SYSLOG_IDENTIFIER", "postwarden-audit")
            .field("POSTWARDEN_EVENT", bounded(record.text("event")))
            .field("POSTWARDEN_AUDIT_ID", bounded(record.auditId()))
            .field("POSTWARDEN_QUEUE_ID", bounded(record.queueId()))
            .field("POSTWARDEN_DECISION", bounded(record.text("decision")))
            .field("POSTWARDEN_CLIENT_KIND", bounded(record.text("client_kind")));
    if (record.isMessage()) {
      entry
          .field("POSTWARDEN_SENDER_KEY", bounded(Optional.of(record.senderKey())))
          .field("POSTWARDEN_SASL_USER", bounded(record.saslUser()))
          .field("POSTWARDEN_UNIX_USER", bounded(record.unixUser()))
          .field("POSTWARDEN_UID", record.uid().map(String::valueOf).orElse(null))
          .field("POSTWARDEN_CWD", bounded(record.workingDirectory()))
          .field("POSTWARDEN_CLIENT", bounded(record.text("client")))
          .field("POSTWARDEN_SENDER", bounded(record.sender()))
          .field("POSTWARDEN_RECIPIENTS", Integer.toString(record.recipients().size()))
          .field("POSTWARDEN_MESSAGE_ID", bounded(record.messageId()));
    }
    if (entry.size() + line.length() + "POSTWARDEN_RECORD=\n".length() > DATAGRAM_LIMIT) {
      shortened.increment();
      return entry.bytes();
    }
    return entry.field("POSTWARDEN_RECORD", line).bytes();
  }

  private static String bounded(Optional<String> value) {
    return value
        .map(text -> text.length() > VALUE_LIMIT ? text.substring(0, VALUE_LIMIT) : text)
        .orElse(null);
  }
}
