package io.postwarden.core.server;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.handler.timeout.IdleStateHandler;
import io.postwarden.core.session.ConnectionDrop;
import io.postwarden.core.session.MilterSession;
import io.postwarden.core.session.SessionObserver;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.nightcode.milter.codec.MilterPacketDecoder;
import org.nightcode.milter.codec.MilterPacketEncoder;

/** The handlers of one milter connection, from bytes to the session and back. */
final class SessionPipeline {

  private SessionPipeline() {}

  static void install(
      ChannelPipeline pipeline,
      ServerSettings settings,
      MilterSession session,
      SessionObserver observer,
      PolicyWorkers workers,
      Consumer<ConnectionDrop> drops) {
    ListenerLimits limits = settings.limits();
    pipeline
        .addLast(
            "idle",
            new IdleStateHandler(limits.idleTimeout().toMillis(), 0, 0, TimeUnit.MILLISECONDS))
        .addLast(
            "frames",
            new MilterFrameDecoder(
                settings.maxFrameLength(), limits.negotiationTimeout(), limits.frameTimeout()))
        .addLast("length", new LengthFieldPrepender(4))
        .addLast("packetEncoder", new MilterPacketEncoder())
        .addLast("packetDecoder", new MilterPacketDecoder())
        .addLast("commands", new CommandDecodingHandler())
        .addLast("session", new SessionHandler(session, observer, workers, drops));
  }
}
