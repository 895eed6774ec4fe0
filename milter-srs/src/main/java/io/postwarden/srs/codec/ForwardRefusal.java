package io.postwarden.srs.codec;

/** Why a sender was not rewritten. Stable names: they are used as metric labels. */
public enum ForwardRefusal {
  /**
   * Not an address the codec can rewrite reversibly: no domain, an empty local part, a broken SRS1
   * address...
   */
  MALFORMED,
  /** The rewritten local part would exceed the 64 octets receivers accept (RFC 5321, 4.5.3.1.1). */
  LOCAL_PART_TOO_LONG
}
