package io.postwarden.audit.forensics;

import static io.postwarden.audit.forensics.WrittenLog.php;
import static io.postwarden.audit.forensics.WrittenLog.sendmail;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Searches over a log the real writer wrote and that was rotated and compressed as logrotate does.
 */
class AuditLogReaderTest {

  @TempDir Path dir;

  Path log;
  String firstDayId;
  String shopId;

  @BeforeEach
  void writeThreeDays() throws IOException {
    log = dir.resolve("audit.log");
    try (WrittenLog written = new WrittenLog(log)) {
      firstDayId =
          written.accept(
              "2026-11-01T10:00:00Z",
              "1A2B3C",
              php("www-shop", 1001),
              "shop@shop.example",
              "a@far.example");
      written.acceptSasl(
          "2026-11-01T11:00:00Z", "2B3C4D", "alice", "alice@test.example", "b@far.example");
      written.rotate();
      written.accept(
          "2026-11-02T10:00:00Z",
          "3C4D5E",
          php("www-blog", 1002),
          "blog@blog.example",
          "c@far.example");
      written.refuse(
          "2026-11-02T10:05:00Z", php("www-shop", 1001), "spam@shop.example", "x@far.example");
      written.rotate();
      shopId =
          written.accept(
              "2026-11-03T09:00:00Z",
              "4D5E6F",
              php("www-shop", 1001),
              "Shop@Shop.example",
              "d@far.example",
              "e@far.example");
      written.accept(
          "2026-11-03T09:30:00Z",
          "5E6F7A",
          sendmail("cron", 1003),
          "root@host.example",
          "admin@far.example");
    }
  }

  List<AuditRecord> search(RecordQuery query) throws IOException {
    List<AuditRecord> found = new ArrayList<>();
    AuditLogReader.of(log).read(query, found::add);
    return found;
  }

  static List<String> queueIds(List<AuditRecord> records) {
    return records.stream().map(record -> record.queueId().orElse("-")).toList();
  }

  @Test
  void readsTheCompressedTheRotatedAndTheCurrentFileOldestFirst() throws IOException {
    assertTrue(
        Files.exists(dir.resolve("audit.log.2.gz")) && Files.exists(dir.resolve("audit.log.1")));
    assertEquals(
        List.of(dir.resolve("audit.log.2.gz"), dir.resolve("audit.log.1"), log),
        AuditLogFiles.of(log));

    List<AuditRecord> all = search(new RecordQuery());

    assertEquals(
        List.of("1A2B3C", "2B3C4D", "3C4D5E", "TESTQID", "4D5E6F", "5E6F7A"), queueIds(all));
    assertEquals(firstDayId, all.get(0).auditId().orElseThrow());
    assertEquals("<1A2B3C@shop.example>", all.get(0).messageId().orElseThrow());
  }

  @Test
  void searchesByUnixUserUidSaslSenderAndRecipient() throws IOException {
    assertEquals(
        List.of("1A2B3C", "TESTQID", "4D5E6F"),
        queueIds(search(new RecordQuery().user("www-shop"))));
    assertEquals(List.of("3C4D5E"), queueIds(search(new RecordQuery().uid(1002))));
    assertEquals(
        List.of("5E6F7A"), queueIds(search(new RecordQuery().user("cron"))), "sendmail submitter");
    assertEquals(List.of("2B3C4D"), queueIds(search(new RecordQuery().sasl("alice"))));
    assertEquals(
        List.of("1A2B3C", "4D5E6F"),
        queueIds(search(new RecordQuery().sender("shop@shop.example"))),
        "addresses compare regardless of case");
    assertEquals(List.of("4D5E6F"), queueIds(search(new RecordQuery().recipient("E@far.example"))));
    assertEquals(List.of("4D5E6F"), queueIds(search(new RecordQuery().auditId(shopId))));
    assertEquals(List.of("3C4D5E"), queueIds(search(new RecordQuery().queueId("3C4D5E"))));
    assertEquals(
        List.of("3C4D5E"), queueIds(search(new RecordQuery().messageId("<3C4D5E@shop.example>"))));
    assertEquals(
        List.of(),
        queueIds(search(new RecordQuery().messageId("<2B3C4D@shop.example>"))),
        "that message had no Message-ID header");
    assertEquals(
        List.of(), queueIds(search(new RecordQuery().uid(100))), "uid 100 is not uid 1001");
  }

  @Test
  void searchesByTheClientsWorkingDirectoryAndWhatIsBelowIt() throws IOException {
    List<String> shop = List.of("1A2B3C", "TESTQID", "4D5E6F");
    assertEquals(shop, queueIds(search(new RecordQuery().workingDirectory("/home/www-shop"))));
    assertEquals(shop, queueIds(search(new RecordQuery().workingDirectory("/home/www-shop/"))));
    assertEquals(
        shop, queueIds(search(new RecordQuery().workingDirectory("/home/www-shop/public_html"))));
    assertEquals(
        List.of(),
        queueIds(search(new RecordQuery().workingDirectory("/home/www-sho"))),
        "a directory, not a string prefix");
    assertEquals(
        List.of("1A2B3C", "3C4D5E", "TESTQID", "4D5E6F"),
        queueIds(search(new RecordQuery().workingDirectory("/home"))),
        "sendmail(1) and SASL records have no process");
  }

  @Test
  void aTimeWindowSkipsFilesWrittenBeforeIt() throws IOException {
    RecordQuery lastDay = new RecordQuery().since(Instant.parse("2026-11-03T00:00:00Z"));
    AuditLogReader reader = AuditLogReader.of(log);
    List<AuditRecord> found = new ArrayList<>();

    AuditLogReader.Summary summary = reader.read(lastDay, found::add);

    assertEquals(List.of("4D5E6F", "5E6F7A"), queueIds(found));
    assertEquals(List.of(log), summary.filesRead(), "the rotated files end before the window");
    assertEquals(
        List.of("3C4D5E", "TESTQID"),
        queueIds(
            search(
                new RecordQuery()
                    .since(Instant.parse("2026-11-02T00:00:00Z"))
                    .until(Instant.parse("2026-11-02T10:05:01Z")))));
  }

  @Test
  void aLineThatIsNoRecordIsCountedAndTheRestRead() throws IOException {
    // a crash can leave a cut line; an editor can leave anything
    Files.writeString(
        log,
        "{\"time\":\"2026-11-03T10:00:00Z\",\"event\":\"acc\n",
        StandardCharsets.US_ASCII,
        StandardOpenOption.APPEND);
    List<AuditRecord> found = new ArrayList<>();

    AuditLogReader.Summary summary = AuditLogReader.of(log).read(new RecordQuery(), found::add);

    assertEquals(6, found.size());
    assertEquals(1, summary.unreadable());
    assertTrue(
        summary.firstUnreadable().orElseThrow().startsWith(log + ":3: "),
        summary.firstUnreadable()::get);
  }

  @Test
  void topCountsMessagesRecipientsAndRefusalsPerSender() throws IOException {
    TopSenders top = new TopSenders();
    AuditLogReader.of(log).read(new RecordQuery(), top);

    List<TopSenders.Tally> tallies = top.top(10);

    assertEquals(
        List.of("unix:www-shop", "sasl:alice", "unix:cron", "unix:www-blog"),
        tallies.stream().map(TopSenders.Tally::sender).toList());
    TopSenders.Tally shop = tallies.get(0);
    assertEquals(3, shop.messages());
    assertEquals(4, shop.recipients());
    assertEquals(1, shop.refused());
    assertEquals(Instant.parse("2026-11-03T09:00:00Z"), shop.last());
    assertEquals(1, top.top(1).size());
  }

  @Test
  void dateextRotationIsReadOldestFirst() throws IOException {
    Files.move(dir.resolve("audit.log.2.gz"), dir.resolve("audit.log-20261102.gz"));
    Files.move(dir.resolve("audit.log.1"), dir.resolve("audit.log-20261103"));

    assertEquals(
        List.of(dir.resolve("audit.log-20261102.gz"), dir.resolve("audit.log-20261103"), log),
        AuditLogFiles.of(log));
  }
}
