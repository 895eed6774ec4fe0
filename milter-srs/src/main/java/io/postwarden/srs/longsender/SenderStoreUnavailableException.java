package io.postwarden.srs.longsender;

/**
 * The store did not answer (disk full, file damaged, Redis down or slow); nothing was stored or
 * found.
 */
public final class SenderStoreUnavailableException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public SenderStoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
