package io.postwarden.audit.forensics;

import io.postwarden.audit.identity.ClientIdentity;
import io.postwarden.audit.log.AuditRecords;
import io.postwarden.core.testing.TestTransaction;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

/**
 * How fast {@code postwarden audit search} and {@code top} go through a month of a busy server's
 * audit log. Writes RECORDS records (the real record builder's lines: local PHP sites, sendmail(1)
 * users, SASL users) spread over DAYS days into DIR as logrotate leaves them (audit.log,
 * audit.log.1, audit.log.2.gz …), then times a search for one user over everything, {@code top}
 * over everything, and a search over the last day, in wall-clock and in the reading thread's CPU
 * time (all of the work, gzip included, is on that thread). Not a test; run from milter-audit/:
 * {@code java -cp target/test-classes:target/classes:$(cat cp.txt)
 * io.postwarden.audit.forensics.AuditSearchBenchmark DIR [RECORDS] [DAYS]} (cp.txt from {@code mvn
 * dependency:build-classpath -Dmdep.outputFile=cp.txt}); RECORDS defaults to 3,000,000, DAYS to 30.
 */
public final class AuditSearchBenchmark {

  private static final Instant END = Instant.parse("2026-12-01T00:00:00Z");

  private AuditSearchBenchmark() {}

  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args[0]);
    long records = args.length > 1 ? Long.parseLong(args[1]) : 3_000_000;
    int days = args.length > 2 ? Integer.parseInt(args[2]) : 30;
    Path log = dir.resolve("audit.log");
    if (!Files.exists(log)) {
      long start = System.nanoTime();
      write(dir, records, days);
      System.out.printf(
          "wrote %,d records in %d files in %.1f s%n",
          records, days, (System.nanoTime() - start) / 1e9);
    }
    AuditLogReader reader = AuditLogReader.of(log);
    for (int round = 0; round < 2; round++) {
      time(
          "search --user www-site17 (all files)",
          reader,
          new RecordQuery().user("www-site17"),
          record -> {});
      time(
          "search --sender news@site17.example",
          reader,
          new RecordQuery().sender("news@site17.example"),
          record -> {});
      time("top (all files)", reader, new RecordQuery(), new TopSenders());
      time(
          "top --since 1d",
          reader,
          new RecordQuery().since(END.minus(Duration.ofDays(1))),
          new TopSenders());
    }
  }

  private static void time(
      String what,
      AuditLogReader reader,
      RecordQuery query,
      java.util.function.Consumer<AuditRecord> out)
      throws IOException {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long start = System.nanoTime();
    long cpuStart = threads.getCurrentThreadCpuTime();
    AuditLogReader.Summary summary = reader.read(query, out);
    double seconds = (System.nanoTime() - start) / 1e9;
    double cpu = (threads.getCurrentThreadCpuTime() - cpuStart) / 1e9;
    System.out.printf(
        "%-38s %,10d lines %,9d matched %6.2f s %,10.0f records/s, CPU %6.2f s %,10.0f records/s%n",
        what,
        summary.lines(),
        summary.matched(),
        seconds,
        summary.lines() / seconds,
        cpu,
        summary.lines() / cpu);
  }

  private static void write(Path dir, long records, int days) throws IOException {
    Random random = new Random(1);
    long perDay = records / days;
    for (int day = days - 1; day >= 0; day--) {
      Instant dayStart = END.minus(Duration.ofDays(day + 1));
      Path file =
          day == 0
              ? dir.resolve("audit.log")
              : dir.resolve("audit.log." + day + (day >= 2 ? ".gz" : ""));
      OutputStream raw = Files.newOutputStream(file);
      OutputStream stream = day >= 2 ? new GZIPOutputStream(raw, 1 << 16) : raw;
      try (BufferedWriter out =
          new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.US_ASCII), 1 << 16)) {
        for (long i = 0; i < perDay; i++) {
          Instant time = dayStart.plusMillis(i * 86_400_000L / perDay);
          out.write(record(random, time));
          out.write('\n');
        }
      }
      Files.setLastModifiedTime(file, FileTime.from(dayStart.plus(Duration.ofDays(1))));
    }
  }

  private static String record(Random random, Instant time) {
    int site = random.nextInt(1000);
    int kind = random.nextInt(10);
    String queueId = Long.toHexString(random.nextLong() & 0xffffffffffL).toUpperCase();
    AuditRecords records = new AuditRecords(Clock.fixed(time, ZoneOffset.UTC));
    TestTransaction tx =
        TestTransaction.from("news@site" + site + ".example")
            .macro("i", queueId)
            .header("Message-ID", " <" + queueId + "." + site + "@site" + site + ".example>");
    for (int r = random.nextInt(3); r >= 0; r--) {
      tx.to("user" + random.nextInt(100_000) + "@far" + random.nextInt(500) + ".example");
    }
    ClientIdentity identity;
    if (kind < 6) {
      tx.client("127.0.0.1", 40000 + random.nextInt(20000));
      identity = WrittenLog.php("www-site" + site, 10000 + site);
    } else if (kind < 9) {
      tx.origin(io.postwarden.core.policy.MailOrigin.NON_SMTPD);
      identity = WrittenLog.sendmail("www-site" + site, 10000 + site);
    } else {
      tx.client("192.0.2." + random.nextInt(250), 50000)
          .authenticatedAs("user" + site + "@site" + site + ".example");
      identity = WrittenLog.REMOTE;
    }
    return records
        .record(
            "accept",
            Long.toString(random.nextLong() & Long.MAX_VALUE, 32).toUpperCase(),
            tx,
            identity,
            kind == 9 ? "authenticated" : "allowed_user")
        .toString();
  }
}
