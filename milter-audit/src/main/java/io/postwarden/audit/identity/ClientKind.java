package io.postwarden.audit.identity;

import java.util.Locale;

/**
 * How the client reached Postfix; a label of the guard's decision metric and a field of audit
 * records.
 */
public enum ClientKind {
  /**
   * A TCP peer with an address that is not this host's: the only client the guard leaves to
   * Postfix.
   */
  REMOTE,
  /** A TCP peer from a loopback address or one of this host's addresses. */
  LOCAL_TCP,
  /**
   * Anything else on the smtpd listener: a unix-socket smtpd service (Postfix says
   * localhost[127.0.0.1], family 'U'), a family Postfix could not tell, a TCP family without an
   * address. Only a local process can be there.
   */
  NON_TCP,
  /** sendmail(1) via pickup, on the non-smtpd listener. */
  SENDMAIL;

  /** A local process talking SMTP to smtpd, which must log in unless the operator allows it. */
  public boolean localSmtp() {
    return this == LOCAL_TCP || this == NON_TCP;
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
