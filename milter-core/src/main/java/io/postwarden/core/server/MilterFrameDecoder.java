package io.postwarden.core.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.util.concurrent.ScheduledFuture;
import io.postwarden.core.session.ConnectionDrop;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Splits the stream into milter packets (4-byte length, then command and payload) with a hard size
 * limit: jmilter's own frame decoder buffers whatever length a peer announces. An oversized or
 * empty frame fails the session at once, before any of it is buffered.
 *
 * <p>It also keeps the packets' deadlines, because a connection that trickles bytes holds a session
 * slot as long as it likes otherwise: the first packet (option negotiation) must be complete within
 * the negotiation timeout of connecting, and every later packet within the frame timeout of its
 * first byte. A missed deadline is passed on as a {@link ConnectionDrop} event. While the session
 * has stopped reading (a policy stage runs), the clock of a half-read packet is not the peer's
 * fault and starts over.
 */
final class MilterFrameDecoder extends LengthFieldBasedFrameDecoder {

  private final Duration negotiationTimeout;
  private final Duration frameTimeout;
  private ScheduledFuture<?> deadline;
  private boolean negotiated;

  MilterFrameDecoder(int maxFrameLength, Duration negotiationTimeout, Duration frameTimeout) {
    super(maxFrameLength, 0, 4, 0, 4, true);
    this.negotiationTimeout = negotiationTimeout;
    this.frameTimeout = frameTimeout;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    arm(ctx, negotiationTimeout, ConnectionDrop.NEGOTIATION_TIMEOUT);
    super.channelActive(ctx);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object message) throws Exception {
    super.channelRead(ctx, message);
    if (negotiated
        && deadline == null
        && internalBuffer().isReadable()
        && ctx.channel().isActive()) {
      arm(ctx, frameTimeout, ConnectionDrop.FRAME_TIMEOUT);
    }
  }

  @Override
  protected Object decode(ChannelHandlerContext ctx, ByteBuf in) throws Exception {
    Object frame = super.decode(ctx, in);
    if (frame != null) {
      negotiated = true;
      disarm();
    }
    if (frame instanceof ByteBuf buf && !buf.isReadable()) {
      buf.release();
      throw new CorruptedFrameException("empty milter packet");
    }
    return frame;
  }

  @Override
  protected void handlerRemoved0(ChannelHandlerContext ctx) {
    disarm();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    disarm();
    super.channelInactive(ctx);
  }

  private void arm(ChannelHandlerContext ctx, Duration timeout, ConnectionDrop reason) {
    deadline =
        ctx.executor()
            .schedule(() -> expire(ctx, timeout, reason), timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  private void expire(ChannelHandlerContext ctx, Duration timeout, ConnectionDrop reason) {
    deadline = null;
    if (!ctx.channel().isActive()) {
      return;
    }
    if (!ctx.channel().config().isAutoRead()) {
      arm(ctx, timeout, reason);
      return;
    }
    ctx.fireUserEventTriggered(reason);
  }

  private void disarm() {
    if (deadline != null) {
      deadline.cancel(false);
      deadline = null;
    }
  }
}
