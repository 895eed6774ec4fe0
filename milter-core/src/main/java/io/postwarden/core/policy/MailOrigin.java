package io.postwarden.core.policy;

/**
 * Which Postfix path the session came from, decided by the listener Postfix connected to —
 * configuration the administrator controls, so no SMTP client can imitate the other path.
 */
public enum MailOrigin {
  /** smtpd_milters: mail Postfix receives over SMTP. */
  SMTPD,
  /** non_smtpd_milters: sendmail(1) via pickup, qmqpd, re-queued mail. */
  NON_SMTPD
}
