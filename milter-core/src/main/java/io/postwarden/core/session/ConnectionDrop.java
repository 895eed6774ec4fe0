package io.postwarden.core.session;

import java.util.Locale;

/**
 * Why a listener turned a connection away at accept, or cut it off later; a bounded metric label.
 */
public enum ConnectionDrop {
  /** The listener kind (smtpd or non-smtpd) already serves its max sessions. */
  SESSION_LIMIT(true),
  /** The peer (inet: its address; unix socket: its uid) already holds its share of sessions. */
  PEER_LIMIT(true),
  /** No option negotiation within negotiation-timeout of connecting. */
  NEGOTIATION_TIMEOUT(false),
  /** A packet that had begun did not complete within frame-timeout. */
  FRAME_TIMEOUT(false),
  /** Silent for session-idle-timeout. */
  IDLE_TIMEOUT(false),
  /** More commands sent ahead, while a policy stage ran, than any MTA sends. */
  COMMAND_BACKLOG(false);

  private final boolean atAccept;

  ConnectionDrop(boolean atAccept) {
    this.atAccept = atAccept;
  }

  /** Refused when it connected (true), or closed after it was served for a while (false). */
  public boolean atAccept() {
    return atAccept;
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
