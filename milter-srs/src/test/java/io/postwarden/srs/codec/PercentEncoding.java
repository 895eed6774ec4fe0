package io.postwarden.srs.codec;

/**
 * The percent-encoding of octet strings shared with the vector generator and the references: every
 * byte outside 0x21-0x7E, and {@code %} and {@code ,} themselves, become {@code %XX}. PostSRSd's
 * tcp_table speaks a subset of it.
 */
final class PercentEncoding {

  private PercentEncoding() {}

  static String encode(String octets) {
    StringBuilder encoded = new StringBuilder(octets.length());
    for (int i = 0; i < octets.length(); i++) {
      char c = octets.charAt(i);
      if (c < 0x21 || c > 0x7E || c == '%' || c == ',') {
        encoded.append(String.format("%%%02X", (int) c));
      } else {
        encoded.append(c);
      }
    }
    return encoded.toString();
  }

  static String decode(String text) {
    StringBuilder decoded = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '%') {
        decoded.append((char) Integer.parseInt(text.substring(i + 1, i + 3), 16));
        i += 2;
      } else {
        decoded.append(c);
      }
    }
    return decoded.toString();
  }
}
