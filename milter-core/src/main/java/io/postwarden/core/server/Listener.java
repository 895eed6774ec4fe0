package io.postwarden.core.server;

import io.postwarden.core.policy.MailOrigin;

/**
 * One address to listen on, and which Postfix path (smtpd_milters or non_smtpd_milters) connects to
 * it.
 */
public record Listener(Endpoint endpoint, MailOrigin origin) {

  @Override
  public String toString() {
    return endpoint + " (" + origin.name().toLowerCase(java.util.Locale.ROOT) + ")";
  }
}
