package io.postwarden.core.lookup.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.postwarden.core.lookup.Netstring;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Cuts netstrings out of the stream: emits each payload as {@code byte[]}, or one {@link
 * Netstring.Malformed} after which everything else is dropped (framing is lost; the handler answers
 * and closes).
 */
final class SocketmapFrameDecoder extends ByteToMessageDecoder {

  private final int maxLength;
  private boolean broken;

  SocketmapFrameDecoder(int maxLength) {
    this.maxLength = maxLength;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (broken) {
      in.skipBytes(in.readableBytes());
      return;
    }
    ByteBuffer view = in.nioBuffer(in.readerIndex(), in.readableBytes());
    Netstring.Parse parse = Netstring.parse(view, maxLength);
    if (parse instanceof Netstring.Complete complete) {
      in.skipBytes(view.position());
      out.add(complete.payload());
    } else if (parse instanceof Netstring.Malformed malformed) {
      broken = true;
      in.skipBytes(in.readableBytes());
      out.add(malformed);
    }
  }
}
