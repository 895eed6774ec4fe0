package io.postwarden.core.protocol;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the fields of one command payload: NUL-terminated octet strings, bytes and network-order
 * integers.
 */
final class OctetReader {

  private final byte[] data;
  private int position;

  OctetReader(byte[] data) {
    this.data = data;
  }

  boolean atEnd() {
    return position >= data.length;
  }

  int remaining() {
    return data.length - position;
  }

  String string() {
    int end = position;
    while (end < data.length && data[end] != 0) {
      end++;
    }
    if (end == data.length) {
      throw malformed("string without terminating NUL");
    }
    String value = new String(data, position, end - position, StandardCharsets.ISO_8859_1);
    position = end + 1;
    return value;
  }

  /** Every remaining NUL-terminated string. */
  List<String> strings() {
    List<String> values = new ArrayList<>();
    while (!atEnd()) {
      values.add(string());
    }
    return values;
  }

  char octet() {
    need(1);
    return (char) (data[position++] & 0xff);
  }

  int uint16() {
    need(2);
    int value = ((data[position] & 0xff) << 8) | (data[position + 1] & 0xff);
    position += 2;
    return value;
  }

  int int32() {
    need(4);
    int value =
        ((data[position] & 0xff) << 24)
            | ((data[position + 1] & 0xff) << 16)
            | ((data[position + 2] & 0xff) << 8)
            | (data[position + 3] & 0xff);
    position += 4;
    return value;
  }

  void expectEnd() {
    if (!atEnd()) {
      throw malformed(remaining() + " unexpected trailing bytes");
    }
  }

  private void need(int count) {
    if (remaining() < count) {
      throw malformed("payload ends early");
    }
  }

  static ProtocolException malformed(String detail) {
    return new ProtocolException(ProtocolException.Kind.MALFORMED, detail);
  }
}
