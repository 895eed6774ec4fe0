package io.postwarden.core.redis;

/** Redis did not answer a call in time, refused it, or cannot be reached. */
public final class RedisUnavailableException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  RedisUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
