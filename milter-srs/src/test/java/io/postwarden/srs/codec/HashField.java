package io.postwarden.srs.codec;

/**
 * Test helper: the hash field of an SRS address, the text between the tag's separator and the next
 * {@code =}.
 */
final class HashField {

  private HashField() {}

  static String of(String srsAddress) {
    return srsAddress.substring(SrsTag.PREFIX_LENGTH, end(srsAddress));
  }

  static String replace(String srsAddress, String newHash) {
    return srsAddress.substring(0, SrsTag.PREFIX_LENGTH)
        + newHash
        + srsAddress.substring(end(srsAddress));
  }

  /**
   * The same address with its hash written in base64url, as PostSRSd 2.2.6 and later would write
   * it; unchanged if it has no hash field.
   */
  static String inUrlAlphabet(String address) {
    if (SrsTag.of(address).isEmpty() || end(address) < 0) {
      return address;
    }
    return replace(address, of(address).replace('+', '-').replace('/', '_'));
  }

  private static int end(String srsAddress) {
    return srsAddress.indexOf('=', SrsTag.PREFIX_LENGTH);
  }
}
