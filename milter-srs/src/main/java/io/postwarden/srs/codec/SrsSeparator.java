package io.postwarden.srs.codec;

import java.util.Optional;

/**
 * The separator written right after the SRS0/SRS1 tag. Every later separator is always {@code =};
 * the first one is configurable so that admins can route {@code SRS0+...} through a
 * recipient-delimiter setup. Reverse accepts all.
 */
public enum SrsSeparator {
  EQUALS('='),
  PLUS('+'),
  MINUS('-');

  private final char symbol;

  SrsSeparator(char symbol) {
    this.symbol = symbol;
  }

  public char symbol() {
    return symbol;
  }

  public static Optional<SrsSeparator> of(char symbol) {
    for (SrsSeparator separator : values()) {
      if (separator.symbol == symbol) {
        return Optional.of(separator);
      }
    }
    return Optional.empty();
  }
}
