package io.postwarden.limits.rule;

import java.util.Locale;

/**
 * What happens to mail over a limit. Mail from sendmail(1) has no client to tell, so it is always
 * held.
 */
public enum Action {
  /** SMTP clients get 451 4.7.1 at MAIL FROM or RCPT TO and retry later. */
  DEFER,
  /** The message is accepted into Postfix's hold queue, for an operator to release or delete. */
  HOLD;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
