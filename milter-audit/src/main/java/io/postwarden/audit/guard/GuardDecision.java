package io.postwarden.audit.guard;

import java.util.Locale;

/** Why the guard let a session send or refused it; the label of the guard's decision metric. */
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
  REFUSED;

  public boolean refuses() {
    return this == REFUSED;
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
