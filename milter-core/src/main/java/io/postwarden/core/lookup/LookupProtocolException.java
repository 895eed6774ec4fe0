package io.postwarden.core.lookup;

/**
 * A request that breaks the protocol; the server answers with an error and closes the connection.
 */
public final class LookupProtocolException extends Exception {

  public LookupProtocolException(String message) {
    super(message);
  }
}
