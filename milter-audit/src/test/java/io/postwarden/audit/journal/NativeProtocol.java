package io.postwarden.audit.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads a native-protocol datagram as journald does: {@code NAME=value\n}, or {@code NAME\n}, a
 * 64-bit little-endian length, that many bytes and {@code \n}.
 */
public final class NativeProtocol {

  private NativeProtocol() {}

  public static Map<String, String> fields(byte[] datagram) {
    Map<String, String> fields = new LinkedHashMap<>();
    int at = 0;
    while (at < datagram.length) {
      int newline = indexOf(datagram, (byte) '\n', at);
      int equals = indexOf(datagram, (byte) '=', at);
      if (equals >= 0 && equals < newline) {
        fields.put(text(datagram, at, equals), text(datagram, equals + 1, newline));
        at = newline + 1;
      } else {
        String name = text(datagram, at, newline);
        long length =
            ByteBuffer.wrap(datagram, newline + 1, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        int start = newline + 1 + 8;
        fields.put(name, text(datagram, start, start + (int) length));
        at = start + (int) length;
        assertEquals('\n', datagram[at], "a binary field ends with a newline");
        at++;
      }
    }
    return fields;
  }

  private static int indexOf(byte[] bytes, byte wanted, int from) {
    for (int i = from; i < bytes.length; i++) {
      if (bytes[i] == wanted) {
        return i;
      }
    }
    return bytes.length;
  }

  private static String text(byte[] bytes, int from, int to) {
    return new String(bytes, from, to - from, StandardCharsets.UTF_8);
  }
}
