package io.postwarden.audit.guard;

import java.util.Locale;

/**
 * Why the guard let a session send or refused it; the label of the guard's decision metric and the
 * {@code decision} of audit records. {@link GuardPolicy} keeps its decision in the session's
 * attributes under this class, from MAIL to end of message, so the audit record says what the guard
 * decided rather than deciding again.
 */
public enum GuardDecision {
  /** Logged in with SASL. */
  AUTHENTICATED,
  /** Not a local TCP client: remote mail is Postfix's business (smtpd restrictions), not ours. */
  NOT_LOCAL,
  /** sendmail(1) via pickup (non_smtpd_milters): not TCP, the Unix user is known to Postfix. */
  LOCAL_SUBMISSION,
  ALLOWED_ALL,
  ALLOWED_NETWORK,
  ALLOWED_USER,
  REFUSED,
  /**
   * Never the guard's own: with the guard off, it only observes ({@link GuardObserver}), and would
   * have refused.
   */
  WOULD_REFUSE;

  public boolean refuses() {
    return this == REFUSED;
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
