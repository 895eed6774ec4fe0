package io.postwarden.audit.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AuditLogTest {

  private static final int CAPACITY = 65_536;

  @TempDir Path dir;

  static Json record(int n) {
    return new Json().number("n", n).string("event", "accept");
  }

  static String line(int n) {
    return record(n).toString();
  }

  static List<String> lines(int fromInclusive, int toExclusive) {
    return IntStream.range(fromInclusive, toExclusive).mapToObj(AuditLogTest::line).toList();
  }

  static List<String> read(Path file) throws IOException {
    return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.US_ASCII) : List.of();
  }

  static void await(String what, Duration timeout, BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout + " waiting for " + what);
      }
      Thread.sleep(10);
    }
  }

  static boolean hasLines(Path file, int count) {
    try {
      return read(file).size() >= count;
    } catch (IOException e) {
      return false;
    }
  }

  /** The descriptors this JVM holds open on {@code file}, from /proc/self/fd. */
  static Set<String> openDescriptors(Path file) throws IOException {
    Path fds = Path.of("/proc/self/fd");
    Path target = file.toRealPath();
    Set<String> open = new HashSet<>();
    try (Stream<Path> entries = Files.list(fds)) {
      for (Path fd : entries.toList()) {
        try {
          if (Files.readSymbolicLink(fd).equals(target)) {
            open.add(fd.getFileName().toString());
          }
        } catch (IOException gone) {
          // the descriptor of the listing itself, closed meanwhile
        }
      }
    }
    return open;
  }

  @Test
  void writesOneLinePerRecordInOrder() throws IOException {
    Path file = dir.resolve("audit.log");
    AuditLog log = AuditLog.toFile(file);
    for (int i = 0; i < 1000; i++) {
      log.write(record(i));
    }
    log.close();

    assertEquals(lines(0, 1000), read(file));
    assertEquals(0, log.dropped());
  }

  @Test
  void createsTheFileAtStartAndAppendsToAnExistingOne() throws IOException {
    Path fresh = dir.resolve("fresh.log");
    AuditLog empty = AuditLog.toFile(fresh);
    assertTrue(Files.exists(fresh), "created before anything is written");
    empty.close();

    Path existing = dir.resolve("existing.log");
    Files.writeString(existing, "{\"old\":true}\n");
    AuditLog log = AuditLog.toFile(existing);
    log.write(record(1));
    log.close();

    assertEquals(List.of("{\"old\":true}", line(1)), read(existing));
  }

  @Test
  void failsAtStartWhenTheFileCannotBeOpened() {
    assertThrows(
        IOException.class, () -> AuditLog.toFile(dir.resolve("missing").resolve("audit.log")));
    assertThrows(IOException.class, () -> AuditLog.toFile(dir));
  }

  /**
   * logrotate's default: rename the file, optionally "create" an empty one, and let the writer
   * notice.
   */
  @ParameterizedTest(name = "new file created by logrotate: {0}")
  @ValueSource(booleans = {false, true})
  void followsARotationByRenameWithoutLosingRecords(boolean createNewFile) throws Exception {
    Path file = dir.resolve("audit.log");
    Path rotated = dir.resolve("audit.log.1");
    AuditLog log = AuditLog.toFile(file);
    try {
      for (int i = 0; i < 100; i++) {
        log.write(record(i));
      }
      await("the first records", Duration.ofSeconds(2), () -> hasLines(file, 100));

      Files.move(file, rotated);
      if (createNewFile) {
        Files.createFile(file);
      }

      // records keep coming while the writer notices the rotation
      long renamed = System.nanoTime();
      int next = 100;
      while (read(file).isEmpty()) {
        log.write(record(next++));
        assertTrue(
            System.nanoTime() - renamed < TimeUnit.MILLISECONDS.toNanos(2500),
            "no record reached the new file within 2.5 s of the rename");
        Thread.sleep(20);
      }
      int firstAfterNotice = next;
      for (int i = 0; i < 100; i++) {
        log.write(record(next++));
      }
      log.close();

      List<String> old = read(rotated);
      List<String> fresh = read(file);
      List<String> all = new ArrayList<>(old);
      all.addAll(fresh);
      assertEquals(lines(0, next), all, "old then new file hold every record once, in order");
      assertEquals(lines(0, 100), old.subList(0, 100));
      assertTrue(fresh.containsAll(lines(firstAfterNotice, next)));
      assertEquals(0, log.dropped());
    } finally {
      log.close();
    }
  }

  @Test
  void recreatesARotatedFileEvenWhenIdle() throws Exception {
    Path file = dir.resolve("audit.log");
    AuditLog log = AuditLog.toFile(file);
    try {
      Files.move(file, dir.resolve("audit.log.1"));

      await("the file to be recreated by name", Duration.ofMillis(2500), () -> Files.exists(file));
    } finally {
      log.close();
    }
  }

  @Test
  void keepsRecordsWhileTheDirectoryIsGoneAndWritesThemOnceItIsBack() throws Exception {
    Path logs = Files.createDirectory(dir.resolve("logs"));
    Path file = logs.resolve("audit.log");
    AuditLog log = AuditLog.toFile(file);
    try {
      for (int i = 0; i < 10; i++) {
        log.write(record(i));
      }
      await("the first records", Duration.ofSeconds(2), () -> hasLines(file, 10));

      Files.move(logs, dir.resolve("logs.old"));
      for (int i = 10; i < 20; i++) {
        log.write(record(i));
      }
      Thread.sleep(200);
      Files.createDirectory(logs);

      await("the held records", Duration.ofSeconds(4), () -> hasLines(file, 10));
      log.close();

      assertEquals(lines(0, 10), read(dir.resolve("logs.old").resolve("audit.log")));
      assertEquals(lines(10, 20), read(file));
    } finally {
      log.close();
    }
  }

  /**
   * A real full disk: the kernel writes the part of a record that fits, then refuses the rest
   * (ENOSPC). The file must still hold only whole records, and each record exactly once after space
   * returns.
   */
  @Test
  void aFullDiskNeitherSplitsNorLosesNorRepeatsARecord() throws Exception {
    Path mountPoint = Files.createDirectory(dir.resolve("tiny"));
    try (TinyFilesystem disk = TinyFilesystem.mount(mountPoint, "64k")) {
      Path file = mountPoint.resolve("audit.log");
      AuditLog log = AuditLog.toFile(file);
      try {
        for (int i = 0; i < 10; i++) {
          log.write(record(i));
        }
        await("the first records", Duration.ofSeconds(2), () -> hasLines(file, 10));
        Path filler = mountPoint.resolve("filler");
        TinyFilesystem.fillWith(filler);

        // more than the rest of the log's last page: one record is cut at the page boundary
        for (int i = 10; i < 400; i++) {
          log.write(record(i));
        }
        await("a failed write", Duration.ofSeconds(5), () -> log.writeFailures() > 0);
        List<String> whileFull = read(file);
        assertTrue(
            whileFull.size() < 400,
            "the disk was not full: " + whileFull.size() + " lines written");
        assertEquals(
            lines(0, whileFull.size()), whileFull, "only whole records while the disk is full");
        FileTime modified = Files.getLastModifiedTime(file);
        await("two more attempts", Duration.ofSeconds(10), () -> log.writeFailures() >= 3);
        assertEquals(
            modified,
            Files.getLastModifiedTime(file),
            "no fragment written and cut again while full");
        assertEquals(whileFull, read(file));

        Files.delete(filler);
        await("the held records", Duration.ofSeconds(5), () -> hasLines(file, 400));
        log.close();
        assertEquals(lines(0, 400), read(file), "every record whole, once, in order");
        assertEquals(0, log.dropped());
      } finally {
        log.close();
      }
    }
  }

  @Test
  void closeReleasesTheFile() throws Exception {
    Path file = dir.resolve("audit.log");
    AuditLog log = AuditLog.toFile(file);
    log.write(record(1));
    log.close();

    assertEquals(List.of(line(1)), read(file));
    assertEquals(Set.of(), openDescriptors(file), "descriptors still open on the closed log");
  }

  @Test
  void closeWritesEverythingQueuedToAFile() throws IOException {
    Path file = dir.resolve("audit.log");
    AuditLog log = AuditLog.toFile(file);
    for (int i = 0; i < 20_000; i++) {
      log.write(record(i));
    }
    log.close();

    assertEquals(lines(0, 20_000), read(file));
  }

  /** Counts close() calls: System.out must stay open after the log closes. */
  static final class TrackedStream extends ByteArrayOutputStream {
    volatile int closes;

    @Override
    public void close() {
      closes++;
    }
  }

  @Test
  void writesToAStreamAndFlushesItAtClose() {
    TrackedStream bytes = new TrackedStream();
    PrintStream stream = new PrintStream(bytes, false, StandardCharsets.US_ASCII);
    AuditLog log = AuditLog.toStream(stream);
    for (int i = 0; i < 20_000; i++) {
      log.write(record(i));
    }
    log.close();

    String expected = lines(0, 20_000).stream().map(l -> l + "\n").collect(Collectors.joining());
    assertEquals(expected, bytes.toString(StandardCharsets.US_ASCII));
    assertEquals(0, bytes.closes, "the stream is not ours to close");
    assertFalse(stream.checkError());
  }

  /** An output that blocks its writes until released: a stuck disk or a full pipe. */
  static final class StuckStream extends OutputStream {
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    final ByteArrayOutputStream written = new ByteArrayOutputStream();

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      entered.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        throw new java.io.InterruptedIOException();
      }
      synchronized (written) {
        written.write(b, off, len);
      }
    }

    String text() {
      synchronized (written) {
        return written.toString(StandardCharsets.US_ASCII);
      }
    }
  }

  @Test
  void writeNeverBlocksAndCountsWhatItDrops() throws InterruptedException {
    StuckStream stuck = new StuckStream();
    AuditLog log = AuditLog.toStream(new PrintStream(stuck, false, StandardCharsets.US_ASCII));
    int writes = 100_000;
    Json[] records =
        IntStream.rangeClosed(1, writes).mapToObj(AuditLogTest::record).toArray(Json[]::new);
    try {
      log.write(record(0));
      assertTrue(
          stuck.entered.await(2, TimeUnit.SECONDS),
          "the writer took record 0 and is stuck writing it");

      // a write that blocked would never return while the writer is stuck: the deadline only
      // detects that hang,
      // it measures no speed (a loaded machine may take seconds for 100k calls)
      assertTimeoutPreemptively(
          Duration.ofSeconds(60),
          () -> {
            for (Json record : records) {
              log.write(record);
            }
          },
          "write() blocked on a stuck writer");

      assertEquals(
          writes - CAPACITY,
          log.dropped(),
          "the queue holds " + CAPACITY + ", the rest is dropped");
    } finally {
      stuck.release.countDown();
      log.close();
    }

    String expected =
        lines(0, CAPACITY + 1).stream().map(l -> l + "\n").collect(Collectors.joining());
    assertEquals(
        expected, stuck.text(), "the queued records are written in order once the writer recovers");
  }
}
