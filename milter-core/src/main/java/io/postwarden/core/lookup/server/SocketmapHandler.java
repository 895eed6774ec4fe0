package io.postwarden.core.lookup.server;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.postwarden.core.lookup.LookupProtocolException;
import io.postwarden.core.lookup.Netstring;
import io.postwarden.core.lookup.SocketmapCodec;

/** Answers socketmap requests, one netstring reply per request, in order. */
final class SocketmapHandler extends LookupConnectionHandler {

  SocketmapHandler(Tables tables, LookupWorkers workers) {
    super(tables, workers);
  }

  @Override
  void answer(ChannelHandlerContext ctx, Object message) {
    if (message instanceof Netstring.Malformed malformed) {
      refuse(ctx, malformed.reason());
      return;
    }
    SocketmapCodec.Request request;
    try {
      request = SocketmapCodec.request((byte[]) message);
    } catch (LookupProtocolException e) {
      refuse(ctx, e.getMessage());
      return;
    }
    lookup(
        ctx,
        request.map(),
        request.key(),
        result ->
            Unpooled.wrappedBuffer(
                Netstring.encode(
                    result
                        .map(SocketmapCodec::reply)
                        .orElseGet(
                            () ->
                                SocketmapCodec.permanentError(
                                    "no such socketmap: " + printable(request.map()))))));
  }

  /** Framing cannot be trusted after a broken request: answer once, then close. */
  private void refuse(ChannelHandlerContext ctx, String reason) {
    tables.badRequest(LookupMetrics.UNKNOWN);
    warn(ctx, reason);
    ctx.writeAndFlush(
            Unpooled.wrappedBuffer(Netstring.encode(SocketmapCodec.permanentError(reason))))
        .addListener(ChannelFutureListener.CLOSE);
  }
}
