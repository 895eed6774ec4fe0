package io.postwarden.core.lookup;

/**
 * Postfix's tcp_table protocol (PostSRSd 1.x serves it): the request line {@code get SP key}, the
 * reply line {@code 200 SP value}, {@code 500 SP text} (not found) or {@code 400 SP text} (try
 * again later). Keys and values are %XX-encoded: '%', whitespace and every octet that is not
 * printable ASCII. Lines are handled without their newline. Pure.
 */
public final class TcpTableCodec {

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private TcpTableCodec() {}

  /** The decoded key of a request line. */
  public static String request(String line) throws LookupProtocolException {
    if (!line.startsWith("get ")) {
      throw new LookupProtocolException("tcp_table request must be \"get key\"");
    }
    String key = decode(line.substring(4));
    if (key.indexOf('\0') >= 0) {
      throw new LookupProtocolException("tcp_table key contains a NUL octet");
    }
    return key;
  }

  /** The reply line for a table's answer. */
  public static String reply(LookupResult result) {
    if (result instanceof LookupResult.Found found) {
      return "200 " + encode(found.value());
    }
    if (result instanceof LookupResult.Failed failed) {
      return "400 " + encode(failed.reason());
    }
    return "500 not found";
  }

  /** The reply line for a request that breaks the protocol: Postfix retries later. */
  public static String error(String reason) {
    return "400 " + encode(reason);
  }

  /** Postfix's hex_quote(): '%', whitespace and non-printable octets become %XX. */
  public static String encode(String octets) {
    StringBuilder out = new StringBuilder(octets.length());
    for (int i = 0; i < octets.length(); i++) {
      char c = octets.charAt(i);
      if (c > ' ' && c < 0x7f && c != '%') {
        out.append(c);
      } else {
        out.append('%').append(HEX[(c >> 4) & 0xf]).append(HEX[c & 0xf]);
      }
    }
    return out.toString();
  }

  /** Postfix's hex_unquote(): %XX in either case; a '%' without two hex digits is an error. */
  public static String decode(String encoded) throws LookupProtocolException {
    StringBuilder out = new StringBuilder(encoded.length());
    for (int i = 0; i < encoded.length(); i++) {
      char c = encoded.charAt(i);
      if (c == '%') {
        int high = i + 1 < encoded.length() ? Character.digit(encoded.charAt(i + 1), 16) : -1;
        int low = i + 2 < encoded.length() ? Character.digit(encoded.charAt(i + 2), 16) : -1;
        if (high < 0 || low < 0) {
          throw new LookupProtocolException("tcp_table: '%' must be followed by two hex digits");
        }
        out.append((char) (high << 4 | low));
        i += 2;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
