package io.postwarden.srs.codec;

import java.util.Locale;
import java.util.Optional;

/**
 * The tag that opens an SRS local part: {@code SRS0} or {@code SRS1} in any case, then one of
 * {@code = + -}.
 */
enum SrsTag {
  SRS0,
  SRS1;

  /** Tag plus separator. */
  static final int PREFIX_LENGTH = 5;

  private static final int TAG_LENGTH = 4;

  private final String lowerCase = name().toLowerCase(Locale.ROOT);

  static Optional<SrsTag> of(String localPart) {
    if (localPart.length() < PREFIX_LENGTH
        || SrsSeparator.of(localPart.charAt(TAG_LENGTH)).isEmpty()) {
      return Optional.empty();
    }
    for (SrsTag tag : values()) {
      if (Octets.startsWithIgnoringAsciiCase(localPart, tag.lowerCase)) {
        return Optional.of(tag);
      }
    }
    return Optional.empty();
  }

  /** The separator behind the tag of a local part that {@link #of} recognised. */
  static SrsSeparator separatorOf(String taggedLocalPart) {
    return SrsSeparator.of(taggedLocalPart.charAt(TAG_LENGTH)).orElseThrow();
  }

  /**
   * The local part without the tag: the separator and what follows, as SRS1 embeds an SRS0 address.
   */
  static String afterTag(String localPart) {
    return localPart.substring(TAG_LENGTH);
  }

  /** {@code SRS0} or {@code SRS1} followed by the separator. */
  String prefix(SrsSeparator separator) {
    return name() + separator.symbol();
  }
}
