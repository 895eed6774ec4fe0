package io.postwarden.it.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The per-stack temporary directory {@code /tmp/postwarden-it-XXXX}, and the clean-up of those left
 * by crashed runs.
 *
 * <p>Every workspace holds an {@code owner} file naming the JVM (pid and start time) that created
 * it. Before the first workspace of a JVM is created, workspaces whose owner is gone are reaped:
 * their Postfix master and Dovecot are killed (only processes proven to belong to that directory)
 * and the directory is deleted. Workspaces of live JVMs (a parallel build, a colleague's run) are
 * never touched.
 *
 * <p>The base directory is {@code /tmp} (override: {@code -Dpostwarden.it.tmp=DIR}); it must be
 * traversable by the {@code postfix} and {@code dovecot} users, which rules out most {@code
 * target/} directories.
 */
final class Workspace {

  static final String PREFIX = "postwarden-it-";
  private static final String OWNER_FILE = "owner";
  private static final Duration ORPHAN_AGE = Duration.ofMinutes(10);
  private static boolean reaped;

  private final Path root;

  private Workspace(Path root) {
    this.root = root;
  }

  static Path base() {
    return Path.of(System.getProperty("postwarden.it.tmp", "/tmp"));
  }

  static Workspace create() {
    try {
      Path root = Files.createTempDirectory(base(), PREFIX);
      Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
      ProcessHandle self = ProcessHandle.current();
      long start = self.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
      Files.writeString(root.resolve(OWNER_FILE), self.pid() + " " + start + "\n");
      // the file system's "now" (the new directory's time), not the JVM's clock: that may be
      // shifted
      reapStaleOnce(Files.getLastModifiedTime(root).toInstant());
      return new Workspace(root);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create workspace under " + base(), e);
    }
  }

  Path root() {
    return root;
  }

  /** Creates (if needed) a world-traversable subdirectory. */
  Path mkdir(String relative) {
    try {
      Path dir = Files.createDirectories(root.resolve(relative));
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void delete() {
    deleteRecursively(root);
  }

  /**
   * Writes a file readable by everyone and backdates its mtime by a minute: Postfix
   * (dict_load_file, main.cf) and Dovecot re-read files modified within the last second several
   * times, sleeping 300 ms each time, which made every {@code postfix}/{@code postconf}/{@code
   * sendmail} command take ~2 s on a freshly written main.cf.
   */
  static void writeBackdated(Path file, String content) {
    try {
      Files.writeString(file, content);
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
      backdate(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void backdate(Path file) {
    try {
      // Postfix sleeps on files modified within the last second: date them long past
      Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2026-01-01T00:00:00Z")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static synchronized void reapStaleOnce(Instant now) {
    if (reaped) {
      return;
    }
    reaped = true;
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(base(), PREFIX + "*")) {
      for (Path dir : dirs) {
        if (Files.isDirectory(dir) && !ownerAlive(dir, now)) {
          reap(dir);
        }
      }
    } catch (IOException e) {
      System.err.println("[mailstack] cannot scan " + base() + " for stale workspaces: " + e);
    }
    AlternateConfigDirs.forgetMissing();
  }

  private static boolean ownerAlive(Path dir, Instant now) {
    Path owner = dir.resolve(OWNER_FILE);
    try {
      if (!Files.exists(owner)) {
        // crashed between mkdir and writing the owner file, or not ours: only reap when clearly old
        Instant mtime = Files.getLastModifiedTime(dir).toInstant();
        return mtime.isAfter(now.minus(ORPHAN_AGE));
      }
      String[] f = Files.readString(owner).trim().split("\\s+");
      long pid = Long.parseLong(f[0]);
      long start = Long.parseLong(f[1]);
      Optional<ProcessHandle> ph = ProcessHandle.of(pid);
      if (ph.isEmpty() || !Daemons.alive(pid)) {
        return false;
      }
      long actual = ph.get().info().startInstant().map(Instant::toEpochMilli).orElse(start);
      return Math.abs(actual - start) < 2000; // a different start time means the pid was reused
    } catch (IOException | RuntimeException e) {
      return true; // when in doubt, leave it alone
    }
  }

  private static void reap(Path dir) {
    System.err.println("[mailstack] reaping stale workspace " + dir);
    PostfixInstance.killLeftover(dir.resolve(MailStack.POSTFIX_DIR));
    DovecotSasl.killLeftover(dir.resolve(MailStack.DOVECOT_DIR));
    deleteRecursively(dir);
  }

  static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try {
      Files.walkFileTree(
          dir,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              Files.deleteIfExists(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException exc) {
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
              Files.deleteIfExists(d);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      System.err.println("[mailstack] cannot delete " + dir + ": " + e);
    }
  }
}
