package io.postwarden.it.bench;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Follows Postfix's maillog from a starting point: counts deliveries to the sink, senders that
 * reached the queue manager SRS-rewritten, and keeps the first line that shows a message not
 * getting through.
 */
final class MaillogProgress {

  private final Path file;
  private long offset;
  private String partialLine = "";
  private int delivered;
  private int srsSenders;
  private String firstProblem;

  private MaillogProgress(Path file, long offset) {
    this.file = file;
    this.offset = offset;
  }

  /** Counts from the current end of the log on. */
  static MaillogProgress fromEnd(Path file) {
    try {
      return new MaillogProgress(file, Files.exists(file) ? Files.size(file) : 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads what was logged since the last call. */
  void poll() {
    String text;
    try (RandomAccessFile log = new RandomAccessFile(file.toFile(), "r")) {
      long length = log.length();
      if (length <= offset) {
        return;
      }
      byte[] bytes = new byte[(int) (length - offset)];
      log.seek(offset);
      log.readFully(bytes);
      offset = length;
      text = partialLine + new String(bytes, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    int end = text.lastIndexOf('\n');
    partialLine = text.substring(end + 1);
    for (String line : text.substring(0, end + 1).split("\n")) {
      count(line);
    }
  }

  private void count(String line) {
    if (line.contains(" status=sent ")) {
      delivered++;
    } else if (line.contains("/qmgr[") && line.contains(": from=<SRS0=")) {
      srsSenders++;
    } else if (firstProblem == null
        && (line.contains(" status=deferred")
            || line.contains(" status=bounced")
            || line.contains(" reject: ")
            || line.contains("milter-reject")
            || line.contains(" fatal: "))) {
      firstProblem = line;
    }
  }

  int delivered() {
    return delivered;
  }

  int srsSenders() {
    return srsSenders;
  }

  /** The first line showing a deferral, bounce or refusal, or null. */
  String firstProblem() {
    return firstProblem;
  }
}
