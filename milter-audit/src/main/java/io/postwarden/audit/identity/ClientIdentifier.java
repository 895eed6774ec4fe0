package io.postwarden.audit.identity;

import io.netty.util.NetUtil;
import io.postwarden.audit.guard.LocalAddresses;
import io.postwarden.audit.process.MaildropSubmitterLookup;
import io.postwarden.audit.process.PeerLookupResult;
import io.postwarden.audit.process.PeerProcess;
import io.postwarden.audit.process.PeerProcessLookup;
import io.postwarden.audit.process.Submitter;
import io.postwarden.core.policy.ClientAddress;
import io.postwarden.core.policy.Connection;
import io.postwarden.core.policy.MailOrigin;
import io.postwarden.core.policy.MilterLink;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * Establishes a session's {@link ClientIdentity} once (the guard and the audit tags both ask) and
 * keeps it in the session's attributes. The process lookup runs while the client still waits for
 * Postfix's banner, on a policy worker thread.
 */
public final class ClientIdentifier {

  private final LocalAddresses localAddresses;
  private final Optional<PeerProcessLookup> peerLookup;
  private final Optional<MaildropSubmitterLookup> submitterLookup;
  private final RememberedRedactions redactions;
  private final IdentityMetrics metrics;

  public ClientIdentifier(
      LocalAddresses localAddresses,
      Optional<PeerProcessLookup> peerLookup,
      Optional<MaildropSubmitterLookup> submitterLookup,
      CommandLineRedactor redactor,
      IdentityMetrics metrics) {
    this.localAddresses = localAddresses;
    this.peerLookup = peerLookup;
    this.submitterLookup = submitterLookup;
    this.redactions = new RememberedRedactions(redactor);
    this.metrics = metrics;
  }

  public ClientIdentity of(Connection connection) {
    Optional<ClientIdentity> known = connection.attributes().get(ClientIdentity.class);
    if (known.isPresent()) {
      return known.get();
    }
    ClientIdentity identity = identify(connection);
    connection.attributes().put(ClientIdentity.class, identity);
    return identity;
  }

  /**
   * Whether {@link #of} may have to look a process up for this connection: its identity is not
   * known yet, and it is a local TCP client or a sendmail(1) submission with that lookup on. Remote
   * clients never wait.
   */
  public boolean mayBlock(Connection connection) {
    if (connection.attributes().get(ClientIdentity.class).isPresent()) {
      return false;
    }
    if (connection.origin() == MailOrigin.NON_SMTPD) {
      return submitterLookup.isPresent();
    }
    return peerLookup.isPresent() && kindOf(connection.client()) == ClientKind.LOCAL_TCP;
  }

  private ClientIdentity identify(Connection connection) {
    if (connection.origin() == MailOrigin.NON_SMTPD) {
      return new ClientIdentity(
          ClientKind.SENDMAIL, Optional.empty(), submitter(connection.milterLink()));
    }
    ClientAddress client = connection.client();
    ClientKind kind = kindOf(client);
    if (kind != ClientKind.LOCAL_TCP || peerLookup.isEmpty()) {
      return new ClientIdentity(kind, Optional.empty(), Optional.empty());
    }
    Optional<InetSocketAddress> daemon = daemonEndpoint(connection);
    long start = System.nanoTime();
    PeerLookupResult result =
        daemon.isEmpty()
            ? new PeerLookupResult.NotFound("Postfix sent no {daemon_addr}/{daemon_port}")
            : peerLookup
                .get()
                .lookup(new InetSocketAddress(client.address(), client.port()), daemon.get());
    metrics.lookup(result, System.nanoTime() - start);
    return new ClientIdentity(
        ClientKind.LOCAL_TCP, Optional.of(redacted(result)), Optional.empty());
  }

  /**
   * The identity keeps only the redacted command line, so no record, header or log line can show a
   * secret.
   */
  private PeerLookupResult redacted(PeerLookupResult result) {
    if (!(result instanceof PeerLookupResult.Found found)) {
      return result;
    }
    PeerProcess process = found.process();
    return new PeerLookupResult.Found(
        process.withCommandLine(redactions.redact(process.commandLine())));
  }

  /**
   * Fails closed: only a TCP peer with an address that is not this host's is remote. Whatever else
   * reaches smtpd (its unix-socket services, a family Postfix could not tell) can only be a process
   * on this host.
   */
  private ClientKind kindOf(ClientAddress client) {
    if (!client.isTcp() || client.address() == null) {
      return ClientKind.NON_TCP;
    }
    return localAddresses.isLocal(client.address()) ? ClientKind.LOCAL_TCP : ClientKind.REMOTE;
  }

  /**
   * sendmail(1) mail: found through the cleanup process on the other end of the milter connection.
   */
  private Optional<Submitter> submitter(MilterLink link) {
    return submitterLookup.flatMap(lookup -> lookup.lookup(link));
  }

  /** Where the client connected to: the macros Postwarden requests at negotiation. */
  private static Optional<InetSocketAddress> daemonEndpoint(Connection connection) {
    Optional<String> address = connection.macros().get("daemon_addr");
    Optional<String> port = connection.macros().get("daemon_port");
    if (address.isEmpty() || port.isEmpty()) {
      return Optional.empty();
    }
    InetAddress inet = NetUtil.createInetAddressFromIpAddressString(address.get());
    try {
      return inet == null
          ? Optional.empty()
          : Optional.of(new InetSocketAddress(inet, Integer.parseInt(port.get())));
    } catch (IllegalArgumentException notAPort) { // also NumberFormatException
      return Optional.empty();
    }
  }
}
