package io.postwarden.core.policy;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Optional;

/**
 * The milter connection itself: which Postfix process end (smtpd or cleanup) talks to which of our
 * listeners. Lets a policy find the Postfix process serving a session (e.g. the cleanup that a
 * sendmail(1) submission runs through).
 *
 * @param mta Postfix's end; an InetSocketAddress for TCP listeners
 * @param listener our end
 * @param peer the connecting process on a unix-socket listener, null otherwise (or when the kernel
 *     would not say)
 */
public record MilterLink(SocketAddress mta, SocketAddress listener, PeerCredentials peer) {

  /** A TCP connection: the peer is known only by its endpoint. */
  public MilterLink(SocketAddress mta, SocketAddress listener) {
    this(mta, listener, null);
  }

  /**
   * Whether this is a unix-socket connection (the package's listeners): it has no Nagle and no
   * delayed ACK, so Postfix's commands that expect no reply go out at once. Unknown (null) is not.
   */
  public boolean overUnixSocket() {
    return listener != null && !(listener instanceof InetSocketAddress);
  }

  public Optional<PeerCredentials> peerCredentials() {
    return Optional.ofNullable(peer);
  }
}
