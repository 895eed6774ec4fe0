package io.postwarden.core.server;

import io.postwarden.core.policy.MailOrigin;
import java.time.Duration;

/**
 * What one connection may take from a listener, and for how long
 * (docs/decisions/0013-listener-defaults-and-limits.md).
 *
 * @param smtpdSessions sessions all smtpd_milters listeners serve at once
 * @param nonSmtpdSessions the same for the non_smtpd_milters listeners, counted apart so that
 *     neither kind can starve the other
 * @param sessionsPerPeer sessions one peer may hold on one listener kind: per client address on
 *     inet listeners, per uid (SO_PEERCRED) on unix sockets
 * @param negotiationTimeout from connect until the option negotiation packet is complete; Postfix
 *     sends it at once
 * @param frameTimeout from the first to the last byte of any later packet; Postfix writes each one
 *     whole
 * @param idleTimeout how long a session may stay silent between packets; above Postfix's
 *     smtpd_timeout (300 s), because Postfix keeps the milter connection open while its SMTP client
 *     thinks
 */
public record ListenerLimits(
    int smtpdSessions,
    int nonSmtpdSessions,
    int sessionsPerPeer,
    Duration negotiationTimeout,
    Duration frameTimeout,
    Duration idleTimeout) {

  public ListenerLimits {
    if (smtpdSessions < 1 || nonSmtpdSessions < 1 || sessionsPerPeer < 1) {
      throw new IllegalArgumentException("session limits must be at least 1");
    }
  }

  int sessions(MailOrigin origin) {
    return origin == MailOrigin.SMTPD ? smtpdSessions : nonSmtpdSessions;
  }
}
