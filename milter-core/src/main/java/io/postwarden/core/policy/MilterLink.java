package io.postwarden.core.policy;

import java.net.SocketAddress;

/**
 * The milter connection itself: which Postfix process end (smtpd or cleanup) talks to which of our listeners. Lets
 * a policy find the Postfix process serving a session (e.g. the cleanup that a sendmail(1) submission runs through).
 *
 * @param mta      Postfix's end; an InetSocketAddress for TCP listeners
 * @param listener our end
 */
public record MilterLink(SocketAddress mta, SocketAddress listener) {}
