package io.postwarden.audit.process;

import java.net.InetSocketAddress;

/** Tells which local process holds the client end of a TCP connection to the MTA. */
public interface PeerProcessLookup {

  /**
   * @param client the SMTP client's address and port, as the MTA saw them
   * @param server the MTA's own address and port of that connection ({daemon_addr}, {daemon_port})
   */
  PeerLookupResult lookup(InetSocketAddress client, InetSocketAddress server);
}
