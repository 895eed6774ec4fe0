package io.postwarden.core.secrets;

import com.sun.security.auth.module.UnixSystem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The rules every file of secrets Postwarden signs with must meet (the SRS secrets, the audit key):
 * a regular file that no other user can read or write, its group only when that is Postwarden's own
 * primary group. The mode is checked, not readability: root reads anything. Also creates such a
 * file with one random secret.
 */
public final class PrivateFile {

  private PrivateFile() {}

  /**
   * @param what how the error names the file, e.g. "SRS secrets file"
   * @param expected what the setting must name instead of a directory, e.g. "secrets-file must name
   *     a file …"
   * @param ifExposed what anyone who can read it can do
   * @throws IOException naming the file, what is wrong with it and the fix
   */
  public static void check(Path path, String what, String expected, String ifExposed)
      throws IOException {
    PosixFileAttributes attributes;
    try {
      attributes = Files.readAttributes(path, PosixFileAttributes.class);
    } catch (IOException e) {
      throw new IOException("cannot read " + what + " " + path + ": " + e, e);
    }
    if (!attributes.isRegularFile()) {
      throw new IOException(
          what
              + " "
              + path
              + " is "
              + (attributes.isDirectory() ? "a directory" : "not a " + "regular file")
              + ": "
              + expected);
    }
    List<String> exposure = exposure(attributes, (Integer) Files.getAttribute(path, "unix:gid"));
    if (!exposure.isEmpty()) {
      throw new IOException(
          what
              + " "
              + path
              + " is "
              + String.join(" and ", exposure)
              + " (mode "
              + PosixFilePermissions.toString(attributes.permissions())
              + "): "
              + ifExposed
              + ". Fix: chmod 600 "
              + path
              + " (owned by the user Postwarden runs as)");
    }
  }

  /**
   * Writes one random secret (24 bytes, base64, one line: PostSRSd's format), mode 0600, into a
   * directory created 0700 if missing; never overwrites a file. Returns true when a new file was
   * written.
   */
  public static boolean createWithRandomSecret(Path path) throws IOException {
    if (Files.exists(path)) {
      return false;
    }
    Path parent = path.toAbsolutePath().getParent();
    if (!Files.isDirectory(parent)) {
      Files.createDirectories(
          parent,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }
    byte[] random = new byte[24];
    new SecureRandom().nextBytes(random);
    byte[] line =
        (Base64.getEncoder().encodeToString(random) + "\n").getBytes(StandardCharsets.US_ASCII);
    try {
      Path file =
          Files.createFile(
              path,
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.write(file, line, StandardOpenOption.WRITE);
      return true;
    } catch (FileAlreadyExistsException raced) {
      return false;
    }
  }

  /** Who besides Postwarden may read or change the file; empty when nobody. */
  private static List<String> exposure(PosixFileAttributes attributes, int fileGid) {
    Set<PosixFilePermission> mode = attributes.permissions();
    List<String> who = new ArrayList<>();
    access(mode, PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE)
        .ifPresent(access -> who.add(access + " by every user"));
    long ownGid = new UnixSystem().getGid();
    if (fileGid != ownGid) {
      access(mode, PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE)
          .ifPresent(
              access ->
                  who.add(
                      access
                          + " by group "
                          + attributes.group().getName()
                          + ", not Postwarden's own group (gid "
                          + ownGid
                          + ")"));
    }
    return who;
  }

  private static Optional<String> access(
      Set<PosixFilePermission> mode, PosixFilePermission read, PosixFilePermission write) {
    boolean readable = mode.contains(read);
    boolean writable = mode.contains(write);
    if (!readable && !writable) {
      return Optional.empty();
    }
    return Optional.of(
        readable && writable ? "readable and writable" : readable ? "readable" : "writable");
  }
}
