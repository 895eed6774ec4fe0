package io.postwarden.core.server;

import io.postwarden.core.policy.Policy;
import io.postwarden.core.session.PolicyChain;
import io.postwarden.core.session.SessionObserver;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;

/** A real listener on an ephemeral loopback port for socket-level tests. */
final class RunningServer implements AutoCloseable {

  final MilterServer server;
  final PolicyWorkers workers;

  RunningServer(ServerSettings settings, Duration policyTimeout, SessionObserver observer, Policy... policies) {
    workers = new PolicyWorkers(4, 64, policyTimeout);
    server = new MilterServer(settings, new PolicyChain(List.of(policies)), workers, observer);
    server.start();
  }

  RunningServer(Policy... policies) {
    this(settings("inet:127.0.0.1:0"), Duration.ofSeconds(5), new SessionObserver() {}, policies);
  }

  static ServerSettings settings(String... endpoints) {
    return new ServerSettings(listeners(endpoints), 1 << 20, Duration.ofMinutes(1), 100, Duration.ofSeconds(5));
  }

  static List<Listener> listeners(String... endpoints) {
    return List.of(endpoints).stream()
        .map(spec -> new Listener(Endpoint.parse(spec), io.postwarden.core.policy.MailOrigin.SMTPD)).toList();
  }

  SocketAddress address() {
    return server.boundAddresses().get(0);
  }

  @Override
  public void close() {
    server.close();
    workers.close();
  }
}
