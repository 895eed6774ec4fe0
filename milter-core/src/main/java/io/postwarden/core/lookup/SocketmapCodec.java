package io.postwarden.core.lookup;

import java.nio.charset.StandardCharsets;

/**
 * Postfix's socketmap protocol (Sendmail 8.13's), inside netstrings: the request {@code name SP
 * key}, the reply {@code OK SP data}, {@code NOTFOUND SP}, {@code TEMP SP reason}, {@code TIMEOUT
 * SP reason} or {@code PERM SP reason}. Postfix defers mail on TEMP and TIMEOUT, and on PERM as a
 * configuration error. Pure.
 */
public final class SocketmapCodec {

  /** One lookup: which table, which key (octets as ISO-8859-1 characters). */
  public record Request(String map, String key) {}

  private SocketmapCodec() {}

  /**
   * Reads a netstring's payload as a request; the key may contain spaces (only the first one
   * separates).
   */
  public static Request request(byte[] payload) throws LookupProtocolException {
    String text = new String(payload, StandardCharsets.ISO_8859_1);
    int space = text.indexOf(' ');
    if (space <= 0) {
      throw new LookupProtocolException("socketmap request must be \"name key\"");
    }
    String key = text.substring(space + 1);
    if (key.indexOf('\0') >= 0) {
      throw new LookupProtocolException("socketmap key contains a NUL octet");
    }
    return new Request(text.substring(0, space), key);
  }

  /** The reply payload (to be wrapped in a netstring) for a table's answer. */
  public static byte[] reply(LookupResult result) {
    String text;
    if (result instanceof LookupResult.Found found) {
      text = "OK " + found.value();
    } else if (result instanceof LookupResult.Failed failed) {
      text = "TEMP " + failed.reason();
    } else {
      text = "NOTFOUND ";
    }
    return text.getBytes(StandardCharsets.ISO_8859_1);
  }

  /**
   * A permanent error: Postfix logs it as a configuration problem (an unknown table name, a
   * malformed request).
   */
  public static byte[] permanentError(String reason) {
    return ("PERM " + reason).getBytes(StandardCharsets.ISO_8859_1);
  }
}
