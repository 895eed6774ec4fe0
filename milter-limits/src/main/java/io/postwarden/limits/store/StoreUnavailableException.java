package io.postwarden.limits.store;

/**
 * A shared store could not be asked (down, unreachable, too slow, refused us): nothing was charged
 * in it.
 */
public final class StoreUnavailableException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public StoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
