package io.postwarden.audit.log;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;

/**
 * A file appended to one whole line at a time. On a full disk the kernel writes the part of a line
 * that fits and refuses the rest (ENOSPC); that fragment is cut off again, so the file holds only
 * complete lines and the caller can retry the same line later without gluing it to a piece of
 * itself. After a failure the next write waits until the filesystem reports room for the line, so a
 * disk that stays full does not see a fragment written and cut (the file shrinking, which log
 * shippers take for a truncation) at every retry.
 */
final class AppendOnlyFile implements Closeable {

  private final FileChannel channel;
  private final Object fileKey;
  private final FileStore store;
  private boolean failed;

  private AppendOnlyFile(FileChannel channel, Object fileKey, FileStore store) {
    this.channel = channel;
    this.fileKey = fileKey;
    this.store = store;
  }

  /** Opens {@code path} for appending, creating it. */
  static AppendOnlyFile open(Path path) throws IOException {
    FileChannel channel =
        FileChannel.open(
            path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    try {
      return new AppendOnlyFile(
          channel,
          Files.readAttributes(path, BasicFileAttributes.class).fileKey(),
          Files.getFileStore(path));
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  /** Identifies the file opened, to notice when its name points elsewhere (rotation). */
  Object fileKey() {
    return fileKey;
  }

  /**
   * Appends all of {@code line}, or nothing of it and throws. O_APPEND keeps a line whole beside
   * another writer.
   */
  void append(byte[] line) throws IOException {
    if (failed && store.getUsableSpace() < line.length) {
      throw new IOException(
          "still no space left on " + store + ": " + store.getUsableSpace() + " bytes free");
    }
    long start = channel.size();
    ByteBuffer remaining = ByteBuffer.wrap(line);
    try {
      while (remaining.hasRemaining()) {
        channel.write(remaining);
      }
    } catch (IOException e) {
      failed = true;
      Optional<String> fragmentStays = cutOff(start, remaining.position());
      throw fragmentStays.isEmpty()
          ? e
          : new IOException(e.getMessage() + "; " + fragmentStays.get(), e);
    }
    failed = false;
  }

  /**
   * Removes the fragment a failed write left at the end. Shrinking needs no space, so it works on a
   * full disk. If the file grew past the fragment meanwhile (a second writer during a reload), what
   * follows is not ours to cut.
   *
   * @return why a fragment stays in the file, if one does
   */
  private Optional<String> cutOff(long start, int written) {
    if (written == 0) {
      return Optional.empty();
    }
    try {
      if (channel.size() != start + written) {
        return Optional.of("a fragment of " + written + " bytes stays: the file grew meanwhile");
      }
      channel.truncate(start);
      return Optional.empty();
    } catch (IOException e) {
      return Optional.of("a fragment of " + written + " bytes stays: " + e.getMessage());
    }
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
