package io.postwarden.audit.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * User names by uid from a passwd(5) file, parsed directly because getpwuid(3) needs JNI. Users
 * known only to other NSS sources (LDAP, sssd) have no name here. The file is re-read when its
 * identity, size or modification time changes, which one stat per call detects. Safe for concurrent
 * use.
 */
final class PasswdFile {

  private record Snapshot(
      Object fileKey, FileTime modified, long size, Map<Integer, String> names) {
    boolean describes(BasicFileAttributes file) {
      return Objects.equals(fileKey, file.fileKey())
          && file.lastModifiedTime().equals(modified)
          && file.size() == size;
    }
  }

  private static final Snapshot NO_FILE = new Snapshot(null, FileTime.fromMillis(0), -1, Map.of());

  private final Path file;
  private volatile Snapshot snapshot = NO_FILE;

  PasswdFile(Path file) {
    this.file = file;
  }

  /**
   * The name of the first entry with this uid, as getpwuid(3) would pick; null if there is none.
   */
  String userName(int uid) {
    return current().names().get(uid);
  }

  private Snapshot current() {
    Snapshot cached = snapshot;
    try {
      // Attributes are taken before the content: a change in between only causes one more reload
      // later.
      BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
      if (cached.describes(attributes)) {
        return cached;
      }
      String content = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
      Snapshot fresh =
          new Snapshot(
              attributes.fileKey(),
              attributes.lastModifiedTime(),
              attributes.size(),
              parse(content));
      snapshot = fresh;
      return fresh;
    } catch (IOException unreadable) {
      return NO_FILE;
    }
  }

  private static Map<Integer, String> parse(String content) {
    Map<Integer, String> names = new HashMap<>();
    for (String line : content.split("\n")) {
      String[] fields = line.split(":", 4);
      if (fields.length < 4 || fields[0].isEmpty() || line.startsWith("#")) {
        continue;
      }
      try {
        names.putIfAbsent(Integer.parseUnsignedInt(fields[2]), fields[0]);
      } catch (NumberFormatException notAUid) {
        // NIS "+" lines and damaged lines name no uid
      }
    }
    return Map.copyOf(names);
  }
}
