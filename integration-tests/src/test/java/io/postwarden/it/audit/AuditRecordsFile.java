package io.postwarden.it.audit;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

/**
 * Reads the JSON lines the daemon's audit log wrote (written asynchronously, so it waits a little).
 */
public final class AuditRecordsFile {

  private AuditRecordsFile() {}

  public static String awaitRecord(Path file, Predicate<String> match, Duration timeout)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      for (String line : lines(file)) {
        if (match.test(line)) {
          return line;
        }
      }
      Thread.sleep(20);
    }
    fail("no audit record matched in " + file + ":\n" + String.join("\n", lines(file)));
    return null;
  }

  private static List<String> lines(Path file) throws IOException {
    return Files.exists(file) ? Files.readAllLines(file) : List.of();
  }
}
