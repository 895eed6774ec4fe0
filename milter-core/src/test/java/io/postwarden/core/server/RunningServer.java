package io.postwarden.core.server;

import io.postwarden.core.policy.Policy;
import io.postwarden.core.session.MemoryBudget;
import io.postwarden.core.session.PolicyChain;
import io.postwarden.core.session.SessionLimits;
import io.postwarden.core.session.SessionObserver;
import java.net.SocketAddress;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

/** A real listener on an ephemeral loopback port for socket-level tests. */
final class RunningServer implements AutoCloseable {

  final MilterServer server;
  final PolicyWorkers workers;

  RunningServer(
      ServerSettings settings,
      Duration policyTimeout,
      SessionObserver observer,
      Policy... policies) {
    workers = new PolicyWorkers(4, 64, policyTimeout);
    server = new MilterServer(settings, new PolicyChain(List.of(policies)), workers, observer);
    server.start();
  }

  RunningServer(Policy... policies) {
    this(settings("inet:127.0.0.1:0"), Duration.ofSeconds(5), new SessionObserver() {}, policies);
  }

  static ServerSettings settings(String... endpoints) {
    return settings(listeners(endpoints), limits(100, 100, Duration.ofMinutes(1)));
  }

  static ServerSettings settings(List<Listener> listeners, ListenerLimits limits) {
    return new ServerSettings(
        listeners,
        1 << 20,
        limits,
        new SocketAccess("", PosixFilePermissions.fromString("rw-rw----")),
        new SessionLimits(4 << 20, new MemoryBudget(64 << 20)),
        Duration.ofSeconds(5));
  }

  /** The same session limit for both listener kinds; deadlines of a few seconds. */
  static ListenerLimits limits(int sessions, int perPeer, Duration idleTimeout) {
    return new ListenerLimits(
        sessions, sessions, perPeer, Duration.ofSeconds(5), Duration.ofSeconds(5), idleTimeout);
  }

  static List<Listener> listeners(String... endpoints) {
    return List.of(endpoints).stream()
        .map(spec -> new Listener(Endpoint.parse(spec), io.postwarden.core.policy.MailOrigin.SMTPD))
        .toList();
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
