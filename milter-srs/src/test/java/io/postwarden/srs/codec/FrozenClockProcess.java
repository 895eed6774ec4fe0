package io.postwarden.srs.codec;

import io.postwarden.core.testing.RealClock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A reference implementation running with its clock frozen by libfaketime, preloaded directly: the
 * faketime command would add a semaphore in /dev/shm named by its pid, and fail whenever a stale
 * one of that name is left there. PostSRSd forks per connection, so closing ends the whole process
 * tree this test started.
 */
final class FrozenClockProcess implements AutoCloseable {

  /** libfaketime's preload library, wherever the multiarch directory puts it; null when absent. */
  static final Path LIBRARY = findLibrary();

  /** An absolute time without '@' freezes libfaketime's clock there. */
  private static final DateTimeFormatter FAKETIME_FORMAT =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

  private final Process process;

  private FrozenClockProcess(Process process) {
    this.process = process;
  }

  static FrozenClockProcess start(Instant frozenAt, List<String> command) throws IOException {
    ProcessBuilder builder =
        RealClock.process(command).redirectError(ProcessBuilder.Redirect.DISCARD);
    Map<String, String> environment = builder.environment();
    environment.put("LD_PRELOAD", LIBRARY.toString());
    environment.put("FAKETIME", FAKETIME_FORMAT.format(frozenAt));
    // libfaketime reads an absolute time in the local zone.
    environment.put("TZ", "UTC");
    return new FrozenClockProcess(builder.start());
  }

  private static Path findLibrary() {
    try (DirectoryStream<Path> libraries = Files.newDirectoryStream(Path.of("/usr/lib"))) {
      for (Path directory : libraries) {
        Path library = directory.resolve("faketime/libfaketime.so.1");
        if (Files.isReadable(library)) {
          return library;
        }
      }
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Process process() {
    return process;
  }

  boolean isAlive() {
    return process.isAlive();
  }

  @Override
  public void close() {
    process.toHandle().descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    try {
      if (process.waitFor(5, TimeUnit.SECONDS)) {
        return;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }
}
