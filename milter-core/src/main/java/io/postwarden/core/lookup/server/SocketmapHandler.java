package io.postwarden.core.lookup.server;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.postwarden.core.lookup.LookupContext;
import io.postwarden.core.lookup.LookupProtocolException;
import io.postwarden.core.lookup.LookupResult;
import io.postwarden.core.lookup.Netstring;
import io.postwarden.core.lookup.SocketmapCodec;
import java.util.Optional;

/** Answers socketmap requests, one netstring reply per request, in order. */
final class SocketmapHandler extends LookupConnectionHandler {

  private final Tables tables;
  private final LookupContext context = new LookupContext();

  SocketmapHandler(Tables tables) {
    this.tables = tables;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, Object message) {
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
    Optional<LookupResult> result = tables.lookup(request.map(), request.key(), context);
    byte[] reply =
        result
            .map(SocketmapCodec::reply)
            .orElseGet(
                () ->
                    SocketmapCodec.permanentError(
                        "no such socketmap: " + printable(request.map())));
    ctx.writeAndFlush(Unpooled.wrappedBuffer(Netstring.encode(reply)));
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
