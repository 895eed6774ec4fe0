package io.postwarden.core.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.postwarden.core.policy.MailOrigin;
import io.postwarden.core.policy.MilterLink;
import io.postwarden.core.policy.PeerCredentials;
import io.postwarden.core.session.ConnectionDrop;
import io.postwarden.core.session.MilterSession;
import io.postwarden.core.session.PolicyChain;
import io.postwarden.core.session.SessionObserver;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The milter listener: our own Netty bootstrap (bounded frames, deadlines, SO_REUSEADDR,
 * TCP_NODELAY, session limits per listener kind and per peer, unix sockets with their owner group
 * and mode) around jmilter's packet codec, because jmilter's server has none of these
 * (docs/decisions/0001-jmilter-scope.md, 0013-listener-defaults-and-limits.md). Bind failures
 * surface at once.
 */
public final class MilterServer implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(MilterServer.class.getName());

  private final ServerSettings settings;
  private final PolicyWorkers workers;
  private final SessionObserver observer;
  private volatile PolicyChain chain;
  private final EventLoopGroup sessions;
  private final ChannelGroup listeners = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private final ConnectionGate gate;
  private final ConnectionDrops drops;
  private final List<SocketAddress> boundAddresses = new ArrayList<>();

  public MilterServer(
      ServerSettings settings, PolicyChain chain, PolicyWorkers workers, SessionObserver observer) {
    this.settings = settings;
    this.chain = chain;
    this.workers = workers;
    this.observer = observer;
    this.gate = new ConnectionGate(settings.limits());
    this.drops = new ConnectionDrops(observer);
    // one loop per core, accepting as well: a connection accepted on a loop that serves it costs no
    // thread wake-up, and more loops than cores only add wake-ups (Postfix opens a connection per
    // message)
    this.sessions =
        ServerTransport.eventLoops(Runtime.getRuntime().availableProcessors(), "postwarden-io");
  }

  /** Binds every endpoint or fails with the first bind error (nothing is left bound then). */
  public void start() {
    ServerTransport.bindAllOrNone(
        () -> {
          for (Listener listener : settings.listeners()) {
            Endpoint endpoint = listener.endpoint();
            Channel channel = bootstrap(listener).bind(endpoint.address()).sync().channel();
            listeners.add(channel);
            boundAddresses.add(channel.localAddress());
            if (endpoint.isUnix()) {
              SocketFiles.grantAccess(
                  Path.of(((DomainSocketAddress) endpoint.address()).path()),
                  settings.socketAccess());
            }
            LOG.log(
                Level.INFO,
                "milter listening on "
                    + SocketFiles.describe(channel.localAddress())
                    + " for "
                    + (listener.origin() == MailOrigin.SMTPD
                        ? "smtpd_milters"
                        : "non_smtpd_milters"));
          }
        },
        this::close);
  }

  /**
   * Policies for sessions that start from now on (reload); sessions in flight finish with theirs,
   * and the old chain's resources are released after the last of them.
   */
  public void replacePolicies(PolicyChain newChain) {
    PolicyChain old = chain;
    chain = newChain;
    old.retire();
  }

  /** The addresses actually bound (port 0 resolved), in endpoint order. */
  public List<SocketAddress> boundAddresses() {
    return List.copyOf(boundAddresses);
  }

  public int activeSessions() {
    return gate.active();
  }

  private ServerBootstrap bootstrap(Listener listener) {
    return ServerTransport.listen(
        listener.endpoint(), sessions, sessions, channel -> admit(channel, listener.origin()));
  }

  /**
   * Runs for each accepted connection before it reads a byte: within the limits it gets a session,
   * else closed.
   */
  private void admit(Channel channel, MailOrigin origin) {
    PeerCredentials credentials = UnixPeers.peerCredentials(channel);
    String peer =
        credentials != null
            ? "uid " + credentials.uid()
            : channel.remoteAddress() instanceof InetSocketAddress inet
                ? inet.getAddress().getHostAddress()
                : "unknown";
    ConnectionDrop refused = gate.admit(origin, peer);
    if (refused != null) {
      drops.record(origin, refused, peer);
      channel.close();
      return;
    }
    PolicyChain policies = acquireChain();
    channel
        .closeFuture()
        .addListener(
            future -> {
              gate.release(origin, peer);
              policies.release();
            });
    connections.add(channel);
    MilterSession session =
        new MilterSession(
            policies,
            observer,
            origin,
            new MilterLink(channel.remoteAddress(), channel.localAddress(), credentials),
            settings.sessionLimits());
    SessionPipeline.install(
        channel.pipeline(),
        settings,
        session,
        observer,
        workers,
        reason -> drops.record(origin, reason, peer));
  }

  /**
   * The current chain, registered for one more session (a reload may retire and close it at any
   * moment).
   */
  private PolicyChain acquireChain() {
    while (true) {
      PolicyChain current = chain;
      if (current.tryAcquire()) {
        return current;
      }
    }
  }

  /**
   * Stops accepting, lets sessions in flight finish for up to {@code grace}, then closes what is
   * left. Returns whether every session finished on its own.
   */
  public boolean shutdown(Duration grace) {
    listeners.close().awaitUninterruptibly();
    long deadline = System.nanoTime() + grace.toNanos();
    while (!connections.isEmpty() && System.nanoTime() < deadline) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    boolean drained = connections.isEmpty();
    close();
    return drained;
  }

  /** Closes everything at once. */
  @Override
  public void close() {
    listeners.close().awaitUninterruptibly();
    connections.close().awaitUninterruptibly();
    ServerTransport.shutdown(sessions);
    chain.retire();
    for (Listener listener : settings.listeners()) {
      if (listener.endpoint().isUnix()) {
        SocketFiles.deleteStale(((DomainSocketAddress) listener.endpoint().address()).path());
      }
    }
  }
}
