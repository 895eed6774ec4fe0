package io.postwarden.srs.longsender;

import com.sun.security.auth.module.UnixSystem;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * The store file holds every long sender of the last weeks, and whoever can change it can send
 * bounces to any address: it must be a regular file of Postwarden's own user that nobody else can
 * read or write (0600). SQLite gives its -wal and -shm files the database file's mode.
 */
final class PrivateStoreFile {

  private static final Set<PosixFilePermission> OWNER_ONLY =
      EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

  private PrivateStoreFile() {}

  /** Creates the file (and a missing directory, 0700) or checks the one there. */
  static void prepare(Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (!Files.isDirectory(parent)) {
      Files.createDirectories(
          parent,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }
    try {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
      return;
    } catch (FileAlreadyExistsException existing) {
      // checked below
    }
    PosixFileAttributes attributes =
        Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (!attributes.isRegularFile()) {
      throw new IOException(
          "srs-store-file " + file + " is not a regular file (a link or a directory)");
    }
    long owner =
        ((Number) Files.getAttribute(file, "unix:uid", LinkOption.NOFOLLOW_LINKS)).longValue();
    long self = new UnixSystem().getUid();
    if (owner != self || !OWNER_ONLY.containsAll(attributes.permissions())) {
      throw new IOException(
          "srs-store-file "
              + file
              + " must be private to the user Postwarden runs as (uid "
              + self
              + "), it is owned by uid "
              + owner
              + " with mode "
              + PosixFilePermissions.toString(attributes.permissions())
              + ": whoever can read it sees every long sender, whoever can write it can redirect their bounces. Fix: "
              + "chown "
              + System.getProperty("user.name")
              + " "
              + file
              + "; chmod 600 "
              + file);
    }
  }
}
