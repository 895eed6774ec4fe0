package io.postwarden.audit.tag;

import io.postwarden.core.secrets.PrivateFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The keys that sign our audit headers, one a line (base64 text, used as it is): the first signs,
 * every one verifies, so a key can be replaced while headers signed with the old one are still
 * checked. The file follows the SRS secrets file's rules ({@link PrivateFile}): whoever reads it
 * can write audit headers this server would vouch for.
 */
public final class AuditKey {

  /** Below this a key could be found offline from one signed header. */
  static final int MINIMUM_BYTES = 16;

  private final List<byte[]> keys;

  private AuditKey(List<byte[]> keys) {
    this.keys = List.copyOf(keys);
  }

  /** Creates the file with a random key when it is missing, then reads it. */
  public static AuditKey openOrCreate(Path path) throws IOException {
    PrivateFile.createWithRandomSecret(path);
    return read(path);
  }

  /**
   * @throws IOException naming the file, what is wrong with it and the fix
   */
  public static AuditKey read(Path path) throws IOException {
    PrivateFile.check(
        path,
        "audit key file",
        "audit-key-file must name a file with one key per line",
        "whoever can read it can forge audit headers that this server would vouch for");
    List<byte[]> keys = new ArrayList<>();
    for (String line : Files.readAllLines(path, StandardCharsets.ISO_8859_1)) {
      if (line.isEmpty()) {
        continue;
      }
      if (line.length() < MINIMUM_BYTES) {
        throw new IOException(
            "audit key file "
                + path
                + ": key "
                + (keys.size() + 1)
                + " is "
                + line.length()
                + " bytes long, at least "
                + MINIMUM_BYTES
                + " are needed. A good key: head -c 24 /dev/urandom | base64");
      }
      keys.add(line.getBytes(StandardCharsets.ISO_8859_1));
    }
    if (keys.isEmpty()) {
      throw new IOException(
          "audit key file " + path + " contains no key; put one key per line, the first signs");
    }
    return new AuditKey(keys);
  }

  /** For tests and tools that hold keys in memory. */
  public static AuditKey of(List<byte[]> keys) {
    return new AuditKey(keys);
  }

  byte[] signing() {
    return keys.get(0);
  }

  List<byte[]> all() {
    return keys;
  }
}
