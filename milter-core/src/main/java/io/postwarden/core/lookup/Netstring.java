package io.postwarden.core.lookup;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * D. J. Bernstein's netstrings ({@code 12:hello world!,}), the framing of Postfix's socketmap
 * protocol. Pure: reads from and writes to byte buffers only.
 */
public final class Netstring {

  /** The outcome of {@link #parse}. */
  public sealed interface Parse {}

  /** Not all of the netstring has arrived yet; nothing was consumed. */
  public record Incomplete() implements Parse {}

  /** One netstring, consumed from the buffer. */
  public record Complete(byte[] payload) implements Parse {}

  /** Not a netstring, or longer than allowed; the stream cannot be resynchronised. */
  public record Malformed(String reason) implements Parse {}

  private static final Incomplete INCOMPLETE = new Incomplete();

  private Netstring() {}

  /**
   * Reads one netstring at the buffer's position. Only a {@link Complete} result moves the position
   * (past the trailing comma). A length above {@code maxLength} is refused as soon as its digits
   * are read, before any payload is buffered.
   */
  public static Parse parse(ByteBuffer buffer, int maxLength) {
    int start = buffer.position();
    long length = 0;
    int digits = 0;
    int index = start;
    while (true) {
      if (index >= buffer.limit()) {
        return INCOMPLETE;
      }
      byte b = buffer.get(index++);
      if (b == ':') {
        break;
      }
      if (b < '0' || b > '9') {
        return new Malformed(
            digits == 0
                ? "netstring must start with its length"
                : "netstring length is not a number");
      }
      if (digits == 1 && length == 0) {
        return new Malformed("netstring length has a leading zero");
      }
      length = length * 10 + (b - '0');
      digits++;
      if (length > maxLength) {
        return new Malformed("netstring longer than " + maxLength + " octets");
      }
    }
    if (digits == 0) {
      return new Malformed("netstring must start with its length");
    }
    if (buffer.limit() - index < length + 1) {
      return INCOMPLETE;
    }
    byte[] payload = new byte[(int) length];
    buffer.get(index, payload);
    if (buffer.get(index + (int) length) != ',') {
      return new Malformed("netstring does not end with a comma");
    }
    buffer.position(index + (int) length + 1);
    return new Complete(payload);
  }

  public static byte[] encode(byte[] payload) {
    byte[] prefix = (payload.length + ":").getBytes(StandardCharsets.US_ASCII);
    byte[] out = new byte[prefix.length + payload.length + 1];
    System.arraycopy(prefix, 0, out, 0, prefix.length);
    System.arraycopy(payload, 0, out, prefix.length, payload.length);
    out[out.length - 1] = ',';
    return out;
  }
}
