package io.postwarden.srs.codec;

/** A reference implementation's answer: an address, or its error message. */
record ReferenceAnswer(boolean ok, String value) {

  String address() {
    if (!ok) {
      throw new AssertionError("the reference refused: " + value);
    }
    return value;
  }
}
