package io.postwarden.core.protocol;

/** The peer broke the milter protocol; the session that saw it is closed, others are untouched. */
public final class ProtocolException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** Bounded set used as a metric label. */
  public enum Kind {
    MALFORMED,
    UNKNOWN_COMMAND,
    OUT_OF_ORDER,
    FRAME_TOO_LONG,
    UNSUPPORTED_VERSION
  }

  private final Kind kind;

  public ProtocolException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
