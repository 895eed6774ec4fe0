package io.postwarden.srs.codec;

/** Splits the {@code =}-separated fields behind an SRS tag and its separator. */
final class SrsFields {

  private static final char FIELD_SEPARATOR = '=';

  private SrsFields() {}

  /**
   * Splits the fields behind the tag into {@code names.length} parts. All but the last end at the
   * next {@code =}; the last takes the rest, since an original local part may itself contain {@code
   * =}.
   *
   * @throws MalformedSrsException naming the first missing or empty field
   */
  static String[] split(SrsTag tag, String localPart, String... names)
      throws MalformedSrsException {
    String[] fields = new String[names.length];
    int start = SrsTag.PREFIX_LENGTH;
    for (int i = 0; i < names.length; i++) {
      boolean last = i == names.length - 1;
      int end = last ? localPart.length() : localPart.indexOf(FIELD_SEPARATOR, start);
      if (end < 0 || end == start) {
        throw new MalformedSrsException("malformed " + tag + " address: no " + names[i]);
      }
      fields[i] = localPart.substring(start, end);
      start = end + 1;
    }
    return fields;
  }

  static String join(String... fields) {
    return String.join(String.valueOf(FIELD_SEPARATOR), fields);
  }
}
