package io.postwarden.srs.codec;

/**
 * An address split at its last {@code @} (a domain cannot contain one). Without an {@code @}, the
 * domain is empty.
 */
record Mailbox(String localPart, String domain) {

  static Mailbox split(String address) {
    int at = address.lastIndexOf('@');
    return at < 0
        ? new Mailbox(address, "")
        : new Mailbox(address.substring(0, at), address.substring(at + 1));
  }
}
