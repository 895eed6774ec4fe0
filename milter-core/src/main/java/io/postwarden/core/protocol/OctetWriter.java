package io.postwarden.core.protocol;

import java.io.ByteArrayOutputStream;

/** Builds a reply payload: NUL-terminated octet strings and network-order integers. */
final class OctetWriter {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream(64);

  OctetWriter int32(int value) {
    out.write(value >>> 24);
    out.write(value >>> 16);
    out.write(value >>> 8);
    out.write(value);
    return this;
  }

  /**
   * Writes {@code value} as octets followed by NUL; refuses chars that are not one octet and
   * embedded NULs.
   */
  OctetWriter string(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == 0 || c > 0xff) {
        throw new IllegalArgumentException(
            String.format(
                "character U+%04X at %d cannot be sent: values are octet strings", (int) c, i));
      }
      out.write(c);
    }
    out.write(0);
    return this;
  }

  byte[] toByteArray() {
    return out.toByteArray();
  }
}
