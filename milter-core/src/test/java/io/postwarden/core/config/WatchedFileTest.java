package io.postwarden.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.postwarden.core.testing.MutableClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A watched file as an administrator edits it: when it is read again, and what a bad edit leaves in
 * place.
 */
class WatchedFileTest {

  private static final Duration CHECK_EVERY = Duration.ofSeconds(10);
  private static final FileTime FIRST = FileTime.from(Instant.parse("2026-01-01T00:00:00Z"));
  private static final FileTime SECOND = FileTime.from(Instant.parse("2026-01-02T00:00:00Z"));
  private static final FileTime THIRD = FileTime.from(Instant.parse("2026-01-03T00:00:00Z"));

  @TempDir Path dir;

  private final MutableClock clock = new MutableClock(Instant.parse("2026-02-01T00:00:00Z"));
  private final List<String> reads = new ArrayList<>();

  private Path write(String content, FileTime modified) throws IOException {
    Path file = dir.resolve("watched");
    Files.writeString(file, content);
    Files.setLastModifiedTime(file, modified);
    return file;
  }

  /** Reads the file's text; "bad…" does not parse. */
  private WatchedFile<String> watch(Path file) throws IOException {
    return WatchedFile.open(
        file,
        path -> {
          String text = Files.readString(path);
          reads.add(text);
          if (text.startsWith("bad")) {
            throw new IOException("line 1: cannot parse " + text);
          }
          return text;
        },
        CHECK_EVERY,
        clock);
  }

  @Test
  void aChangeIsReadOnceTheCheckIntervalHasPassedAndAnUnchangedFileNotAgain() throws Exception {
    WatchedFile<String> watched = watch(write("one", FIRST));
    write("two", SECOND);

    assertEquals("one", watched.get());
    clock.advance(CHECK_EVERY.minusSeconds(1));
    assertEquals("one", watched.get());
    clock.advance(Duration.ofSeconds(1));
    assertEquals("two", watched.get());
    clock.advance(CHECK_EVERY);
    assertEquals("two", watched.get());
    assertEquals(List.of("one", "two"), reads);
  }

  @Test
  void aVersionThatDoesNotParseIsRefusedOnceAndTheLastGoodValueKept() throws Exception {
    WatchedFile<String> watched = watch(write("one", FIRST));
    write("bad edit", SECOND);

    clock.advance(CHECK_EVERY);
    assertEquals("one", watched.get());
    clock.advance(CHECK_EVERY);
    assertEquals("one", watched.get());
    assertEquals(
        List.of("one", "bad edit"), reads, "a refused version is not parsed again at every check");

    write("three", THIRD);
    clock.advance(CHECK_EVERY);
    assertEquals("three", watched.get());
  }

  @Test
  void aDeletedFileKeepsTheLastGoodValueUntilItIsBack() throws Exception {
    Path file = write("one", FIRST);
    WatchedFile<String> watched = watch(file);
    Files.delete(file);

    clock.advance(CHECK_EVERY);
    assertEquals("one", watched.get());

    write("two", SECOND);
    clock.advance(CHECK_EVERY);
    assertEquals("two", watched.get());
  }

  @Test
  void aFileThatCannotBeReadAtStartIsAStartUpError() throws Exception {
    assertThrows(NoSuchFileException.class, () -> watch(dir.resolve("missing")));
    IOException unparsable =
        assertThrows(IOException.class, () -> watch(write("bad start", FIRST)));
    assertEquals("line 1: cannot parse bad start", unparsable.getMessage());
  }
}
