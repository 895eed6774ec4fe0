package io.postwarden.core.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;

/**
 * Splits the stream into milter packets (4-byte length, then command and payload) with a hard size limit:
 * jmilter's own frame decoder buffers whatever length a peer announces. An oversized or empty frame fails
 * the session at once, before any of it is buffered.
 */
final class MilterFrameDecoder extends LengthFieldBasedFrameDecoder {

  MilterFrameDecoder(int maxFrameLength) {
    super(maxFrameLength, 0, 4, 0, 4, true);
  }

  @Override
  protected Object decode(ChannelHandlerContext ctx, ByteBuf in) throws Exception {
    Object frame = super.decode(ctx, in);
    if (frame instanceof ByteBuf buf && !buf.isReadable()) {
      buf.release();
      throw new CorruptedFrameException("empty milter packet");
    }
    return frame;
  }
}
