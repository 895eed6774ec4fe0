package io.postwarden.audit.forensics;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Streams the records of the audit log and its rotated files that a query matches, oldest first, in
 * constant memory. A file last written before the query's start is skipped unread (a file's records
 * are never newer than its modification time), and so is one whose first record comes after the
 * query's end.
 */
public final class AuditLogReader {

  private final List<Path> files;

  public AuditLogReader(List<Path> files) {
    this.files = List.copyOf(files);
  }

  /** The audit log at {@code log} with its rotated files. */
  public static AuditLogReader of(Path log) throws IOException {
    return new AuditLogReader(AuditLogFiles.of(log));
  }

  public List<Path> files() {
    return files;
  }

  /**
   * Gives each matching record to {@code out}; lines that are no record (cut by a crash, edited)
   * are counted and the first is described, never fatal.
   */
  public Summary read(RecordQuery query, Consumer<AuditRecord> out) throws IOException {
    Summary summary = new Summary();
    for (Path file : files) {
      if (Files.getLastModifiedTime(file).toInstant().isBefore(query.since())
          || startsAfter(file, query.until())) {
        continue;
      }
      summary.filesRead.add(file);
      try (BufferedReader reader = AuditLogFiles.open(file)) {
        long number = 0;
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
          number++;
          summary.lines++;
          if (line.isBlank() || !query.mightMatch(line)) {
            continue;
          }
          AuditRecord record;
          try {
            record = AuditRecord.parse(line);
          } catch (IllegalArgumentException e) {
            summary.unreadable(file, number, e.getMessage());
            continue;
          }
          if (query.matches(record)) {
            summary.matched++;
            out.accept(record);
          }
        }
      } catch (IOException e) {
        throw new IOException("cannot read " + file + ": " + e.getMessage(), e);
      }
    }
    return summary;
  }

  private static boolean startsAfter(Path file, Instant until) throws IOException {
    if (until.equals(Instant.MAX)) {
      return false;
    }
    try (BufferedReader reader = AuditLogFiles.open(file)) {
      String first = reader.readLine();
      return first != null && AuditRecord.parse(first).time().isAfter(until);
    } catch (IllegalArgumentException unreadable) {
      return false;
    }
  }

  /** What a read went through: lines, matches, and the lines that were no record. */
  public static final class Summary {

    private final List<Path> filesRead = new ArrayList<>();
    private long lines;
    private long matched;
    private long unreadable;
    private String firstUnreadable;

    private void unreadable(Path file, long line, String reason) {
      if (unreadable++ == 0) {
        firstUnreadable = file + ":" + line + ": " + reason;
      }
    }

    public List<Path> filesRead() {
      return filesRead;
    }

    public long lines() {
      return lines;
    }

    public long matched() {
      return matched;
    }

    public long unreadable() {
      return unreadable;
    }

    /** The first line that was no record, as FILE:LINE: reason. */
    public Optional<String> firstUnreadable() {
      return Optional.ofNullable(firstUnreadable);
    }
  }
}
