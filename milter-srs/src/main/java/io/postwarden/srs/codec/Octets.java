package io.postwarden.srs.codec;

/** Helpers for octet strings: Java strings holding one byte per {@code char}. */
final class Octets {

  private Octets() {}

  /** True when every char fits in one byte, so the string can be hashed byte for byte. */
  static boolean isOctetString(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) > 0xFF) {
        return false;
      }
    }
    return true;
  }

  /**
   * ASCII-only lowercasing: the references use C's tolower() in the "C" locale and Perl's
   * byte-string lc.
   */
  static char asciiLowerCase(char c) {
    return c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
  }

  /**
   * @param lowerCasePrefix the prefix in lower case
   */
  static boolean startsWithIgnoringAsciiCase(String text, String lowerCasePrefix) {
    if (text.length() < lowerCasePrefix.length()) {
      return false;
    }
    for (int i = 0; i < lowerCasePrefix.length(); i++) {
      if (asciiLowerCase(text.charAt(i)) != lowerCasePrefix.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  static char asciiUpperCase(char c) {
    return c >= 'a' && c <= 'z' ? (char) (c - ('a' - 'A')) : c;
  }

  /** The fields concatenated and ASCII-lowercased, as the bytes the SRS HMAC covers. */
  static byte[] lowerCasedConcatenation(String... fields) {
    int length = 0;
    for (String field : fields) {
      length += field.length();
    }
    byte[] bytes = new byte[length];
    int position = 0;
    for (String field : fields) {
      for (int i = 0; i < field.length(); i++) {
        bytes[position++] = (byte) asciiLowerCase(field.charAt(i));
      }
    }
    return bytes;
  }
}
