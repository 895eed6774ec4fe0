package io.postwarden.audit.log;

/**
 * Crockford's base32: digits and letters without I, L, O, U, so ids read aloud or retyped survive.
 */
public final class Crockford {

  private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();

  private Crockford() {}

  /**
   * Five bits a character, most significant first; trailing bits that do not fill a character are
   * dropped.
   */
  public static String encode(byte[] bytes) {
    StringBuilder out = new StringBuilder(bytes.length * 8 / 5);
    long bits = 0;
    int count = 0;
    for (byte b : bytes) {
      bits = (bits << 8) | (b & 0xff);
      count += 8;
      while (count >= 5) {
        count -= 5;
        out.append(ALPHABET[(int) ((bits >> count) & 31)]);
      }
    }
    return out.toString();
  }
}
