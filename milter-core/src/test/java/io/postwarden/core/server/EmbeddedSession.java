package io.postwarden.core.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import io.postwarden.core.policy.MailOrigin;
import io.postwarden.core.policy.MilterLink;
import io.postwarden.core.policy.Policy;
import io.postwarden.core.session.ConnectionDrop;
import io.postwarden.core.session.MilterSession;
import io.postwarden.core.session.PolicyChain;
import io.postwarden.core.session.SessionLimits;
import io.postwarden.core.session.SessionObserver;
import io.postwarden.core.testing.MtaReply;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One milter connection's real pipeline on an EmbeddedChannel: no socket, policies run inline, and
 * the event loop's clock stands still until the test advances it.
 */
final class EmbeddedSession {

  final EmbeddedChannel channel;
  final List<ConnectionDrop> drops = new ArrayList<>();
  private final MockTicker clock = Ticker.newMockTicker();
  private final ByteArrayOutputStream written = new ByteArrayOutputStream();
  private final Inline workers = new Inline();

  EmbeddedSession(
      ListenerLimits limits,
      SessionLimits sessionLimits,
      SessionObserver observer,
      Policy... policies)
      throws Exception {
    ServerSettings settings =
        new ServerSettings(
            RunningServer.listeners("inet:127.0.0.1:0"),
            1 << 20,
            limits,
            new SocketAccess("", java.util.Set.of()),
            sessionLimits,
            Duration.ofSeconds(1));
    MilterSession session =
        new MilterSession(
            new PolicyChain(List.of(policies)),
            observer,
            MailOrigin.SMTPD,
            new MilterLink(null, null),
            sessionLimits);
    PolicyWorkers inline = new PolicyWorkers(workers, Duration.ofSeconds(20));
    channel =
        EmbeddedChannel.builder()
            .ticker(clock)
            .handlers(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    SessionPipeline.install(
                        ch.pipeline(), settings, session, observer, inline, drops::add);
                  }
                })
            .build();
  }

  /** Feeds bytes as one read from the socket, then lets the event loop run what that queued. */
  void receive(byte[] bytes) {
    channel.writeInbound(Unpooled.wrappedBuffer(bytes));
    channel.runPendingTasks();
  }

  void advance(Duration duration) {
    clock.advance(duration.toNanos(), TimeUnit.NANOSECONDS);
    channel.runScheduledPendingTasks();
    channel.runPendingTasks();
  }

  /**
   * Every packet written back so far, in order, each checked to be a complete, well-formed milter
   * packet.
   */
  List<MtaReply> replies() {
    for (Object message; (message = channel.readOutbound()) != null; ) {
      ByteBuf buf = (ByteBuf) message;
      byte[] bytes = new byte[buf.readableBytes()];
      buf.readBytes(bytes);
      buf.release();
      written.writeBytes(bytes);
    }
    byte[] stream = written.toByteArray();
    List<MtaReply> replies = new ArrayList<>();
    int at = 0;
    while (at < stream.length) {
      if (stream.length - at < 5) {
        throw new AssertionError("a reply ends inside its length prefix");
      }
      int length =
          ((stream[at] & 0xff) << 24)
              | ((stream[at + 1] & 0xff) << 16)
              | ((stream[at + 2] & 0xff) << 8)
              | (stream[at + 3] & 0xff);
      if (length < 1 || at + 4 + length > stream.length) {
        throw new AssertionError(
            "reply length "
                + length
                + " does not fit the "
                + (stream.length - at - 4)
                + " bytes written");
      }
      byte[] payload = new byte[length - 1];
      System.arraycopy(stream, at + 5, payload, 0, payload.length);
      replies.add(new MtaReply((char) stream[at + 4], payload));
      at += 4 + length;
    }
    return replies;
  }

  /** Policy calls from now on wait, as if they took long, until {@link #finishPolicies()}. */
  void holdPolicies() {
    workers.held = new ArrayList<>();
  }

  void finishPolicies() {
    List<Runnable> held = workers.held;
    workers.held = null;
    held.forEach(Runnable::run);
    channel.runPendingTasks();
  }

  boolean open() {
    return channel.isOpen();
  }

  /** Runs submitted work at once, on the calling thread, unless told to hold it. */
  private static final class Inline extends AbstractExecutorService {
    private boolean shutdown;
    private List<Runnable> held;

    @Override
    public void execute(Runnable command) {
      if (held != null) {
        held.add(command);
      } else {
        command.run();
      }
    }

    @Override
    public void shutdown() {
      shutdown = true;
    }

    @Override
    public List<Runnable> shutdownNow() {
      shutdown = true;
      return List.of();
    }

    @Override
    public boolean isShutdown() {
      return shutdown;
    }

    @Override
    public boolean isTerminated() {
      return shutdown;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
      return true;
    }
  }
}
