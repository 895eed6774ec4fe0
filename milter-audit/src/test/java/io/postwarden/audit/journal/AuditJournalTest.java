package io.postwarden.audit.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.postwarden.audit.guard.GuardDecision;
import io.postwarden.audit.identity.ClientIdentity;
import io.postwarden.audit.identity.ClientKind;
import io.postwarden.audit.log.AuditLog;
import io.postwarden.audit.log.AuditRecords;
import io.postwarden.audit.log.AuditTrail;
import io.postwarden.audit.process.PeerLookupResult;
import io.postwarden.audit.process.PeerProcess;
import io.postwarden.core.testing.TestTransaction;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Audit records copied by the real writer to a real AF_UNIX datagram socket standing in for
 * journald's, and read back in the native protocol.
 */
class AuditJournalTest {

  static final String CWD = "/home/www-shop/public_html/evil\n\u001b[2J";

  @TempDir Path dir;

  final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  static ClientIdentity php(String workingDirectory) {
    return new ClientIdentity(
        ClientKind.LOCAL_TCP,
        Optional.of(
            new PeerLookupResult.Found(
                new PeerProcess(
                    812,
                    1001,
                    "www-shop",
                    "/usr/sbin/php-fpm8.2",
                    List.of("php-fpm: pool www-shop"),
                    false,
                    "php8.2-fpm.service",
                    workingDirectory,
                    false))),
        Optional.empty());
  }

  /** Writes the transactions through a real audit log that copies to {@code socket}. */
  List<String> write(Path socket, List<TestTransaction> transactions) throws IOException {
    Path file = dir.resolve("audit.log");
    AuditLog log = AuditLog.toFile(file);
    log.copyEachRecordTo(AuditJournal.to(socket, registry));
    AuditTrail trail =
        new AuditTrail(
            log,
            new AuditRecords(Clock.fixed(Instant.parse("2026-11-30T10:00:00Z"), ZoneOffset.UTC)));
    for (TestTransaction tx : transactions) {
      if (tx.recipients().isEmpty()) {
        trail.refused(tx, php(CWD), GuardDecision.REFUSED);
      } else {
        trail.accepted(tx, php(CWD), GuardDecision.ALLOWED_USER);
      }
    }
    trail.close(); // the writer has sent everything once this returns
    return Files.readAllLines(file);
  }

  static TestTransaction message(String sender, String... recipients) {
    return TestTransaction.from(sender)
        .to(recipients)
        .client("127.0.0.1", 43210)
        .macro("i", "4F2A1")
        .header("Message-ID", " <1@shop.example>");
  }

  double counted(String name, String reason) {
    return reason == null
        ? registry.get(name).counter().count()
        : registry.get(name).tag("reason", reason).counter().count();
  }

  @Test
  void eachRecordArrivesAsOneEntryWithItsFieldsAndNewlinesIntact() throws IOException {
    Path socket = dir.resolve("journal.sock");
    try (JournalReceiver journald = new JournalReceiver(socket)) {
      List<String> lines =
          write(
              socket,
              List.of(
                  message("shop@shop.example", "a@far.example", "b@far.example"),
                  TestTransaction.from("spam@shop.example").client("127.0.0.1", 43210)));

      Map<String, String> accepted = NativeProtocol.fields(journald.next().orElseThrow());
      Map<String, String> refused = NativeProtocol.fields(journald.next().orElseThrow());
      assertTrue(journald.next().isEmpty(), "one entry per record");

      String id = accepted.get("POSTWARDEN_AUDIT_ID");
      assertTrue(lines.get(0).contains("\"audit_id\":\"" + id + "\""), lines.get(0));
      assertEquals(
          "audit accept unix:www-shop id="
              + id
              + " queue=4F2A1 shop@shop.example -> a@far.example (+1)",
          accepted.get("MESSAGE"));
      assertEquals("6", accepted.get("PRIORITY"));
      assertEquals("postwarden-audit", accepted.get("SYSLOG_IDENTIFIER"));
      assertEquals("accept", accepted.get("POSTWARDEN_EVENT"));
      assertEquals("4F2A1", accepted.get("POSTWARDEN_QUEUE_ID"));
      assertEquals("allowed_user", accepted.get("POSTWARDEN_DECISION"));
      assertEquals("unix:www-shop", accepted.get("POSTWARDEN_SENDER_KEY"));
      assertEquals("www-shop", accepted.get("POSTWARDEN_UNIX_USER"));
      assertEquals("1001", accepted.get("POSTWARDEN_UID"));
      assertEquals(CWD, accepted.get("POSTWARDEN_CWD"), "as the process has it, newline and all");
      assertEquals("shop@shop.example", accepted.get("POSTWARDEN_SENDER"));
      assertEquals("2", accepted.get("POSTWARDEN_RECIPIENTS"));
      assertEquals("<1@shop.example>", accepted.get("POSTWARDEN_MESSAGE_ID"));
      assertEquals(lines.get(0), accepted.get("POSTWARDEN_RECORD"));
      assertFalse(accepted.containsKey("POSTWARDEN_SASL_USER"));

      assertEquals("5", refused.get("PRIORITY"), "refusals stand out");
      assertEquals("refuse", refused.get("POSTWARDEN_EVENT"));
      assertEquals("0", refused.get("POSTWARDEN_RECIPIENTS"));
      assertEquals(lines.get(1), refused.get("POSTWARDEN_RECORD"));
      assertEquals(2, counted("postwarden.audit.journal.sent", null));
    }
  }

  @Test
  void noJournaldIsCountedAndTheFileStillHasTheRecord() throws IOException {
    List<String> lines = write(dir.resolve("missing.sock"), List.of(message("a@b.example", "c@d")));

    assertEquals(1, lines.size());
    assertEquals(1, counted("postwarden.audit.journal.failed", "absent"));
    assertEquals(0, counted("postwarden.audit.journal.sent", null));
  }

  @Test
  void aFullQueueFailsAtOnceAndIsCounted() throws IOException {
    Path socket = dir.resolve("journal.sock");
    try (JournalReceiver journald = new JournalReceiver(socket)) {
      AuditJournal journal = AuditJournal.to(socket, registry);
      String line = write(dir.resolve("none.sock"), List.of(message("a@b.example", "c@d"))).get(0);
      int records = 5000; // more than net.unix.max_dgram_qlen (512) or the socket's buffer hold

      for (int i = 0; i < records; i++) {
        journal.accept(line); // nobody reads: the queue fills, and a send must not wait
      }

      double busy = counted("postwarden.audit.journal.failed", "busy");
      assertTrue(busy > 0, "some sends found the queue full");
      assertEquals(records, counted("postwarden.audit.journal.sent", null) + busy);
      List<byte[]> queued = new ArrayList<>();
      journald.next().ifPresent(queued::add);
      assertEquals(line, NativeProtocol.fields(queued.get(0)).get("POSTWARDEN_RECORD"));
    }
  }

  @Test
  void aRecordTooLargeForADatagramArrivesWithoutItsCopy() throws IOException {
    Path socket = dir.resolve("journal.sock");
    try (JournalReceiver journald = new JournalReceiver(socket)) {
      String[] recipients = new String[4000];
      for (int i = 0; i < recipients.length; i++) {
        recipients[i] = "recipient-number-" + i + "@far.example";
      }
      List<String> lines = write(socket, List.of(message("list@shop.example", recipients)));
      assertTrue(lines.get(0).length() > AuditJournal.DATAGRAM_LIMIT);

      Map<String, String> entry = NativeProtocol.fields(journald.next().orElseThrow());

      assertEquals("4000", entry.get("POSTWARDEN_RECIPIENTS"));
      assertFalse(entry.containsKey("POSTWARDEN_RECORD"));
      assertEquals(1, counted("postwarden.audit.journal.shortened", null));
    }
  }
}
