package io.postwarden.srs.codec;

/** Why an address did not reverse. Stable names: they are used as metric labels. */
public enum ReverseFailure {
  /** No {@code SRS0}/{@code SRS1} tag: an ordinary address. */
  NOT_SRS,
  /** Tagged as SRS but missing fields, without a domain, or with an unreadable timestamp. */
  MALFORMED,
  /** Fewer hash characters than the configured minimum. */
  HASH_TOO_SHORT,
  /**
   * The hash matches none of the secrets: forged, tampered with, or signed with a secret since
   * removed.
   */
  BAD_HASH,
  /** Authentic, but its timestamp is older than the maximum age (or from the future). */
  EXPIRED
}
