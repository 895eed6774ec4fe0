package io.postwarden.srs.codec;

/**
 * An address that carries an SRS tag but not the fields behind it. Cheap: no stack trace, forged
 * input is common.
 */
final class MalformedSrsException extends Exception {

  private static final long serialVersionUID = 1L;

  MalformedSrsException(String message) {
    super(message, null, false, false);
  }
}
