package io.postwarden.audit.process;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Optional;

/** Finds one TCP socket of this host by its endpoints, in the kernel's view. */
interface SocketFinder {

  /**
   * The socket whose local endpoint is {@code local} and remote endpoint is {@code remote}, whether
   * it is an IPv4 socket or a dual-stack IPv6 one; a socket still held by a process is preferred to
   * an orphaned one.
   */
  Optional<ClientSocket> find(InetSocketAddress local, InetSocketAddress remote) throws IOException;
}
