package io.postwarden.core.testing;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** Byte-level helpers to build milter packets the way an MTA does. Strings are octet strings. */
public final class MilterPacketIO {

  private MilterPacketIO() {}

  public static byte[] packet(char command, byte[] payload) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int length = payload.length + 1;
    out.write(length >>> 24);
    out.write(length >>> 16);
    out.write(length >>> 8);
    out.write(length);
    out.write(command);
    out.writeBytes(payload);
    return out.toByteArray();
  }

  public static byte[] strings(String... values) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (String value : values) {
      out.writeBytes(value.getBytes(StandardCharsets.ISO_8859_1));
      out.write(0);
    }
    return out.toByteArray();
  }

  public static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  public static byte[] int32s(int... values) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int value : values) {
      out.write(value >>> 24);
      out.write(value >>> 16);
      out.write(value >>> 8);
      out.write(value);
    }
    return out.toByteArray();
  }

  public static byte[] macroPayload(char stage, Map<String, String> macros) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(stage);
    macros.forEach((name, value) -> out.writeBytes(strings(name, value)));
    return out.toByteArray();
  }

  public static byte[] connectPayload(String hostname, char family, int port, String address) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(strings(hostname));
    out.write(family);
    if (family != 'U') {
      out.write(port >>> 8);
      out.write(port);
      out.writeBytes(strings(address));
    }
    return out.toByteArray();
  }

  static void write(OutputStream out, byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  static MtaReply read(DataInputStream in) throws IOException {
    int length = in.readInt();
    if (length < 1 || length > (1 << 20)) {
      throw new IOException("bad reply length " + length);
    }
    byte[] frame = new byte[length];
    in.readFully(frame);
    byte[] payload = new byte[length - 1];
    System.arraycopy(frame, 1, payload, 0, payload.length);
    return new MtaReply((char) (frame[0] & 0xff), payload);
  }

  /** Splits a payload of NUL-terminated strings. */
  public static List<String> splitStrings(byte[] payload, int offset) {
    java.util.ArrayList<String> values = new java.util.ArrayList<>();
    int start = offset;
    for (int i = offset; i < payload.length; i++) {
      if (payload[i] == 0) {
        values.add(new String(payload, start, i - start, StandardCharsets.ISO_8859_1));
        start = i + 1;
      }
    }
    return values;
  }
}
