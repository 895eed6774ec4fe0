package io.postwarden.audit.log;

import io.postwarden.core.logging.RateLimitedLog;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * One JSON line per decision, written by a background thread so the milter never waits on a disk. A
 * full queue drops the record (counted, logged) instead of blocking mail. A write that fails (full
 * disk, vanished directory) leaves no part of its record in the file and is retried each second, so
 * every record lands whole and once. A rotated file (logrotate's rename-and-create) is noticed
 * within a second and reopened by name; a SIGHUP reload opens the file anew.
 */
public final class AuditLog implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(AuditLog.class.getName());

  /**
   * A disk that stays full fails a write each second: the log shows a few per minute, the metric
   * all.
   */
  private static final RateLimitedLog FAILURES = RateLimitedLog.perMinute(LOG);

  private static final int CAPACITY = 65_536;
  private static final int MAX_BATCH = 512;

  /**
   * After the first record of a batch the writer waits this long for more, so under load it wakes
   * and writes once per interval instead of once per record (a thread wake-up and a write per
   * message cost more than the record itself). Records were always queued, never written on the
   * mail path; this adds at most this much to the time one takes to reach the file.
   */
  private static final long LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  /** Queued by close() so the writer wakes at once instead of at its next poll timeout. */
  private static final String END = new String("end of audit log");

  private final BlockingQueue<String> pending = new ArrayBlockingQueue<>(CAPACITY);
  private final Path path;
  private final Thread writer;
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong writeFailures = new AtomicLong();
  private volatile Runnable dropListener = () -> {};
  private volatile Runnable writeFailureListener = () -> {};
  private volatile Consumer<String> copies = line -> {};
  private volatile boolean closing;
  private final OutputStream stream;
  private AppendOnlyFile file;

  private AuditLog(Path path, OutputStream stream) {
    this.path = path;
    this.stream = stream;
    this.writer = new Thread(this::drain, "postwarden-audit-log");
    this.writer.setDaemon(true);
  }

  /** Appends to {@code path}, creating it (and failing at start-up if it cannot be opened). */
  public static AuditLog toFile(Path path) throws IOException {
    AuditLog log = new AuditLog(path, null);
    log.open();
    log.writer.start();
    return log;
  }

  public static AuditLog toStream(PrintStream stream) {
    AuditLog log = new AuditLog(null, stream);
    log.writer.start();
    return log;
  }

  /**
   * Also tells {@code listener} of each dropped record (the daemon's counter, which outlives a
   * reload).
   */
  public void reportDropsTo(Runnable listener) {
    dropListener = listener;
  }

  /**
   * Also hands each record, once, to {@code copy} (the journal), on the writer thread as it takes
   * the record from the queue: before the file has it, and whether or not the file can be written.
   */
  public void copyEachRecordTo(Consumer<String> copy) {
    copies = copy;
  }

  /** Queues one record; never blocks. */
  public void write(Json record) {
    if (!pending.offer(record.toString())) {
      dropListener.run();
      if (dropped.incrementAndGet() % 1000 == 1) {
        LOG.log(
            Level.ERROR,
            "audit log cannot keep up; " + dropped.get() + " record(s) dropped so far");
      }
    }
  }

  /** Also tells {@code listener} of each failed write (the record is kept and retried). */
  public void reportWriteFailuresTo(Runnable listener) {
    writeFailureListener = listener;
  }

  public long dropped() {
    return dropped.get();
  }

  public long writeFailures() {
    return writeFailures.get();
  }

  /**
   * Writes what is queued, a batch per write: a record and whatever follows it within {@link
   * #LINGER_NANOS}. A batch is appended whole or not at all (AppendOnlyFile), so a failed one is
   * retried as it was.
   */
  private void drain() {
    List<String> batch = new ArrayList<>();
    while (!closing || !batch.isEmpty() || !pending.isEmpty()) {
      try {
        if (batch.isEmpty()) {
          String first = pending.poll(1, TimeUnit.SECONDS);
          if (first != null) {
            batch.add(first);
            if (first != END && !closing) {
              LockSupport.parkNanos(LINGER_NANOS);
            }
            pending.drainTo(batch, MAX_BATCH - 1);
            batch.removeIf(line -> line == END);
            batch.forEach(copies);
          }
        }
        // per batch: a file deleted with its directory would swallow whatever is written to it
        if (path != null && rotated()) {
          open();
        }
        if (batch.isEmpty()) {
          continue;
        }
        byte[] bytes = lines(batch);
        if (file != null) {
          file.append(bytes);
        } else {
          stream.write(bytes);
          if (pending.isEmpty()) {
            stream.flush();
          }
        }
        batch.clear();
      } catch (InterruptedException e) {
        closing = true;
      } catch (IOException e) {
        // keep the batch and try again: a full disk or a vanished directory must not lose records
        writeFailures.incrementAndGet();
        writeFailureListener.run();
        FAILURES.log(
            Level.ERROR,
            "audit log write failure",
            "cannot write the audit log " + path + ", retrying each second: " + e.getMessage());
        sleepQuietly();
      }
    }
    closeQuietly();
  }

  private static byte[] lines(List<String> batch) {
    StringBuilder text = new StringBuilder(batch.size() * 512);
    batch.forEach(line -> text.append(line).append('\n'));
    return text.toString().getBytes(StandardCharsets.US_ASCII);
  }

  private boolean rotated() {
    try {
      return !Objects.equals(
          file.fileKey(), Files.readAttributes(path, BasicFileAttributes.class).fileKey());
    } catch (IOException gone) {
      return true;
    }
  }

  private void open() throws IOException {
    AppendOnlyFile previous = file;
    file = AppendOnlyFile.open(path);
    if (previous != null) {
      previous.close();
    }
  }

  /** Closes the file; only flushes a stream (stdout outlives the log). */
  private void closeQuietly() {
    try {
      if (file != null) {
        file.close();
      } else {
        stream.flush();
      }
    } catch (IOException e) {
      LOG.log(Level.ERROR, "cannot close the audit log: " + e.getMessage());
    }
  }

  private static void sleepQuietly() {
    try {
      Thread.sleep(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Writes what is queued, then stops. */
  @Override
  public void close() {
    closing = true;
    pending.offer(END);
    try {
      writer.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
