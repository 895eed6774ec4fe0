package io.postwarden.audit.journal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * One journal entry in journald's native protocol (https://systemd.io/JOURNAL_NATIVE_PROTOCOL/),
 * the payload of one datagram. A value without a newline is written {@code NAME=value\n}; one with
 * a newline as {@code NAME\n}, its length in bytes as a 64-bit little-endian number, the value and
 * {@code \n}, since a newline would otherwise end the field. Pure encoding, no I/O.
 */
final class JournalEntry {

  private static final int NAME_LIMIT = 64;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream(512);

  /**
   * Adds a field; a null value adds nothing.
   *
   * @param name upper-case letters, digits and underscores, not starting with a digit or an
   *     underscore (those are journald's own), at most 64 characters
   */
  JournalEntry field(String name, String value) {
    if (value == null) {
      return this;
    }
    requireValidName(name);
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    out.writeBytes(name.getBytes(StandardCharsets.US_ASCII));
    if (value.indexOf('\n') < 0) {
      out.write('=');
    } else {
      out.write('\n');
      long length = bytes.length;
      for (int i = 0; i < Long.BYTES; i++) {
        out.write((int) (length >>> (8 * i)) & 0xff);
      }
    }
    out.writeBytes(bytes);
    out.write('\n');
    return this;
  }

  int size() {
    return out.size();
  }

  byte[] bytes() {
    return out.toByteArray();
  }

  private static void requireValidName(String name) {
    boolean valid =
        !name.isEmpty()
            && name.length() <= NAME_LIMIT
            && name.charAt(0) != '_'
            && !Character.isDigit(name.charAt(0))
            && name.chars().allMatch(c -> c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_');
    if (!valid) {
      throw new IllegalArgumentException("not a journal field name: " + name);
    }
  }
}
