package io.postwarden.limits.state;

import java.io.IOException;

/** The state file is not one {@link StateCodec} wrote, or was damaged since: none of it is used. */
public final class CorruptStateException extends IOException {

  private static final long serialVersionUID = 1L;

  public CorruptStateException(String message) {
    super(message);
  }
}
