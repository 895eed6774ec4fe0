package io.postwarden.srs.codec;

/** Test helper: what random senders are made of, and case smashing as a remote MTA does it. */
final class TestAddresses {

  /**
   * RFC 5322 atext plus the dot, with '=' (SRS's own separator) and 8-bit octets, which SMTPUTF8
   * mail carries.
   */
  static final String LOCAL_PART_CHARS =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
          + "!#$%&'*+-/=?^_`{|}~.\u00c9\u00e9\u00ff\u0080";

  static final String DOMAIN_LABEL_CHARS =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-";

  private TestAddresses() {}

  static String asciiLowerCase(String text) {
    StringBuilder lower = new StringBuilder(text.length());
    text.chars().forEach(c -> lower.append(Octets.asciiLowerCase((char) c)));
    return lower.toString();
  }
}
