package io.postwarden.core.config;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * A file read into a value and read again when it changes (secrets, domain lists), so an
 * administrator edits it without restarting. The modification time is checked at most once per
 * {@code checkEvery}; a new version that fails to read or parse is refused and the last good value
 * kept, with one log line per failed version.
 */
public final class WatchedFile<T> {

  /** Parses a file's bytes; throws with a message for the administrator. */
  @FunctionalInterface
  public interface Reader<T> {
    T read(Path path) throws IOException;
  }

  private static final System.Logger LOG = System.getLogger(WatchedFile.class.getName());

  private final Path path;
  private final Reader<T> reader;
  private final Duration checkEvery;
  private final Clock clock;
  private T value;
  private FileTime loaded;
  private FileTime refused;
  private Instant checked;

  private WatchedFile(Path path, Reader<T> reader, Duration checkEvery, Clock clock)
      throws IOException {
    this.path = path;
    this.reader = reader;
    this.checkEvery = checkEvery;
    this.clock = clock;
    this.loaded = Files.getLastModifiedTime(path);
    this.value = reader.read(path);
    this.checked = clock.instant();
  }

  /** Reads the file now; a failure here is a start-up error for the caller to report. */
  public static <T> WatchedFile<T> open(
      Path path, Reader<T> reader, Duration checkEvery, Clock clock) throws IOException {
    return new WatchedFile<>(path, reader, checkEvery, clock);
  }

  public Path path() {
    return path;
  }

  /** The current value, re-read first if the file changed since. */
  public synchronized T get() {
    Instant now = clock.instant();
    if (now.isBefore(checked.plus(checkEvery))) {
      return value;
    }
    checked = now;
    try {
      FileTime modified = Files.getLastModifiedTime(path);
      if (!modified.equals(loaded) && !modified.equals(refused)) {
        value = reader.read(path);
        loaded = modified;
        LOG.log(Level.INFO, "reloaded " + path);
      }
    } catch (IOException | RuntimeException e) {
      refused = currentTime();
      LOG.log(Level.ERROR, "keeping the previous contents of " + path + ": " + e.getMessage());
    }
    return value;
  }

  private FileTime currentTime() {
    try {
      return Files.getLastModifiedTime(path);
    } catch (IOException gone) {
      return null;
    }
  }
}
