package io.postwarden.srs.spf;

import java.util.Locale;

/** The results of an SPF check (RFC 7208, section 2.6), under their RFC names. */
public enum SpfResult {
  PASS,
  FAIL,
  SOFTFAIL,
  NEUTRAL,
  NONE,
  PERMERROR,
  TEMPERROR;

  /**
   * The RFC name, as jSPF reports it; anything else (which jSPF should never report) counts as a
   * temporary error.
   */
  static SpfResult of(String name) {
    for (SpfResult result : values()) {
      if (result.label().equalsIgnoreCase(name)) {
        return result;
      }
    }
    return TEMPERROR;
  }

  /** The RFC name: {@code pass}, {@code softfail}, ... */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
