package io.postwarden.srs.routing;

import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/** A passwd entry as getpwnam(3) gives it to local(8): who reads a forward file, and where. */
record LocalUser(String name, long uid, long gid, Path home, String shell) {

  /**
   * @param entry {@code name:password:uid:gid:gecos:home:shell}, as Postfix's {@code
   *     unix:passwd.byname} map answers
   */
  static LocalUser parse(String entry) throws IOException {
    String[] fields = entry.split(":", -1);
    if (fields.length != 7) {
      throw new IOException("not a passwd entry: " + fields.length + " fields");
    }
    try {
      Path home = Path.of(fields[5]);
      if (!home.isAbsolute()) {
        throw new IOException("passwd entry of " + fields[0] + " has a relative home directory");
      }
      return new LocalUser(
          fields[0], Long.parseLong(fields[2]), Long.parseLong(fields[3]), home, fields[6]);
    } catch (NumberFormatException | InvalidPathException e) {
      throw new IOException("not a passwd entry for " + fields[0] + ": " + e.getMessage());
    }
  }
}
