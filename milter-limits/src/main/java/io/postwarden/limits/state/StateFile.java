package io.postwarden.limits.state;

import com.sun.security.auth.module.UnixSystem;
import io.postwarden.limits.store.SavedKey;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The file where the in-process counts outlive a restart. Written whole under a temporary name,
 * synced and renamed over the old one, so a crash leaves the old file or the new one, never half of
 * one. Mode 0600 in a directory created 0700: whoever could change it could hand a sender its
 * budget back, so a file that anyone but the daemon's user could have written is refused like a
 * damaged one.
 */
public final class StateFile {

  private static final Set<PosixFilePermission> OTHERS =
      EnumSet.of(
          PosixFilePermission.GROUP_READ,
          PosixFilePermission.GROUP_WRITE,
          PosixFilePermission.GROUP_EXECUTE,
          PosixFilePermission.OTHERS_READ,
          PosixFilePermission.OTHERS_WRITE,
          PosixFilePermission.OTHERS_EXECUTE);

  /** Why a state file was not used. A metric label. */
  public enum Problem {
    /** Not a file we wrote, or damaged: truncated, wrong checksum, impossible values. */
    CORRUPT,
    /** Another user owns it or may read or write it. */
    NOT_PRIVATE,
    /** Larger than any store of this size could have written. */
    TOO_LARGE,
    /** It could not be read (I/O error, permissions). */
    UNREADABLE,
    /** Writing a new one failed (disk full, read-only); the previous file stays. */
    WRITE_FAILED;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** A state file that was refused; the message names the file and what is wrong. */
  public static final class RefusedException extends IOException {
    private static final long serialVersionUID = 1L;
    private final Problem problem;

    RefusedException(Problem problem, String message, Throwable cause) {
      super(message, cause);
      this.problem = problem;
    }

    public Problem problem() {
      return problem;
    }
  }

  private final Path path;

  public StateFile(Path path) {
    this.path = path;
  }

  public Path path() {
    return path;
  }

  /**
   * The saved keys; empty when there is no file (a first start).
   *
   * @param maxBytes larger files are refused unread
   * @throws RefusedException when the file exists but cannot be used
   */
  public Optional<List<SavedKey>> read(long maxBytes) throws RefusedException {
    PosixFileAttributes attributes;
    try {
      attributes = Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new RefusedException(Problem.UNREADABLE, "cannot read " + path + ": " + e, e);
    }
    long ownUid = new UnixSystem().getUid();
    int fileUid;
    try {
      fileUid = (Integer) Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      throw new RefusedException(Problem.UNREADABLE, "cannot read " + path + ": " + e, e);
    }
    if (!attributes.isRegularFile()
        || fileUid != ownUid
        || attributes.permissions().stream().anyMatch(OTHERS::contains)) {
      throw new RefusedException(
          Problem.NOT_PRIVATE,
          path
              + " is not a private file of this user (uid "
              + ownUid
              + "; found "
              + (attributes.isRegularFile() ? "" : "a non-regular file, ")
              + "owner uid "
              + fileUid
              + ", mode "
              + PosixFilePermissions.toString(attributes.permissions())
              + ")",
          null);
    }
    if (attributes.size() > maxBytes) {
      throw new RefusedException(
          Problem.TOO_LARGE,
          path
              + " has "
              + attributes.size()
              + " bytes, more than the "
              + maxBytes
              + " this store can write",
          null);
    }
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(path);
    } catch (IOException e) {
      throw new RefusedException(Problem.UNREADABLE, "cannot read " + path + ": " + e, e);
    }
    try {
      return Optional.of(StateCodec.decode(bytes));
    } catch (CorruptStateException e) {
      throw new RefusedException(Problem.CORRUPT, path + " is damaged: " + e.getMessage(), e);
    }
  }

  /** Replaces the file atomically with {@code bytes}; the old file stays whole if this fails. */
  public void write(byte[] bytes) throws IOException {
    Path dir = path.toAbsolutePath().getParent();
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(
          dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }
    Path temporary = dir.resolve("." + path.getFileName() + ".tmp");
    Files.deleteIfExists(temporary);
    try (FileChannel out =
        FileChannel.open(
            temporary,
            EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
      ByteBuffer buffer = ByteBuffer.wrap(bytes);
      while (buffer.hasRemaining()) {
        out.write(buffer);
      }
      out.force(true);
    } catch (IOException e) {
      Files.deleteIfExists(temporary);
      throw e;
    }
    Files.move(
        temporary, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
      directory.force(true); // the rename itself survives a power loss
    } catch (IOException ignored) {
      // some file systems cannot sync a directory; the rename is still atomic
    }
  }

  /**
   * Keeps a refused file for a look (one copy, the latest), so that the next write does not erase
   * the evidence.
   */
  public Optional<Path> setAside() {
    Path aside = path.resolveSibling(path.getFileName() + ".refused");
    try {
      Files.move(path, aside, StandardCopyOption.REPLACE_EXISTING);
      return Optional.of(aside);
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
