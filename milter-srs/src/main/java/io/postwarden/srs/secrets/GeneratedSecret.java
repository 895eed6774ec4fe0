package io.postwarden.srs.secrets;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/** Creates the SRS secrets file on first start: one random secret, mode 0600, never overwriting a file. */
public final class GeneratedSecret {

  private GeneratedSecret() {}

  /** Returns true when a new file was written. */
  public static boolean createIfMissing(Path path) throws IOException {
    if (Files.exists(path)) {
      return false;
    }
    Path parent = path.toAbsolutePath().getParent();
    if (!Files.isDirectory(parent)) {
      Files.createDirectories(parent,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }
    // as PostSRSd's installer does: random bytes, base64, one line
    byte[] random = new byte[24];
    new SecureRandom().nextBytes(random);
    byte[] line = (Base64.getEncoder().encodeToString(random) + "\n").getBytes(StandardCharsets.US_ASCII);
    try {
      Path file = Files.createFile(path,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.write(file, line, StandardOpenOption.WRITE);
      return true;
    } catch (FileAlreadyExistsException raced) {
      return false;
    }
  }
}
