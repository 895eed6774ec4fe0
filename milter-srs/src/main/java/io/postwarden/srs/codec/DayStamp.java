package io.postwarden.srs.codec;

import java.util.Optional;

/**
 * The SRS0 timestamp: the day number (Unix time / 86400) modulo 1024, written as two base32
 * characters ({@code A-Z2-7}, high five bits first). Base32 survives MTAs that smash the case of
 * local parts.
 *
 * @param value 0 to 1023
 */
record DayStamp(int value) {

  static final int CYCLE_DAYS = 1024;
  private static final String BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  private static final int BITS_PER_CHAR = 5;
  private static final int CHAR_MASK = (1 << BITS_PER_CHAR) - 1;

  static DayStamp forDay(long epochDay) {
    return new DayStamp((int) Math.floorMod(epochDay, (long) CYCLE_DAYS));
  }

  /** Parses two base32 characters in any case; empty if the text is not that. */
  static Optional<DayStamp> parse(String text) {
    if (text.length() != 2) {
      return Optional.empty();
    }
    int high = BASE32.indexOf(Octets.asciiUpperCase(text.charAt(0)));
    int low = BASE32.indexOf(Octets.asciiUpperCase(text.charAt(1)));
    if (high < 0 || low < 0) {
      return Optional.empty();
    }
    return Optional.of(new DayStamp(high << BITS_PER_CHAR | low));
  }

  String text() {
    return new String(
        new char[] {BASE32.charAt(value >> BITS_PER_CHAR), BASE32.charAt(value & CHAR_MASK)});
  }

  /**
   * Days between this stamp and {@code epochDay}, in {@code [0, 1024)}. The references add 1024 to
   * today until it is not below the stamp; that is this modulo. A stamp from tomorrow is therefore
   * 1023 days old.
   */
  int ageOn(long epochDay) {
    return (int) Math.floorMod(epochDay - value, (long) CYCLE_DAYS);
  }
}
