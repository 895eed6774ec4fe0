package io.postwarden.core.lookup.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.TooLongFrameException;
import io.postwarden.core.lookup.LookupProtocolException;
import io.postwarden.core.lookup.TcpTableCodec;
import java.nio.charset.StandardCharsets;

/**
 * Answers tcp_table requests for the one table of its listener, one reply line per request line.
 */
final class TcpTableHandler extends LookupConnectionHandler {

  private final String table;

  TcpTableHandler(Tables tables, LookupWorkers workers, String table) {
    super(tables, workers);
    this.table = table;
  }

  @Override
  void answer(ChannelHandlerContext ctx, Object message) {
    String line = ((ByteBuf) message).toString(StandardCharsets.ISO_8859_1);
    String key;
    try {
      key = TcpTableCodec.request(line);
    } catch (LookupProtocolException e) {
      refuse(ctx, e.getMessage());
      return;
    }
    lookup(
        ctx,
        table,
        key,
        result ->
            Unpooled.copiedBuffer(
                result
                        .map(TcpTableCodec::reply)
                        .orElseGet(() -> TcpTableCodec.error("no such table: " + table))
                    + "\n",
                StandardCharsets.ISO_8859_1));
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof TooLongFrameException) {
      refuse(ctx, "request longer than " + LookupServerSettings.MAX_REQUEST_OCTETS + " octets");
    } else {
      super.exceptionCaught(ctx, cause);
    }
  }

  private void refuse(ChannelHandlerContext ctx, String reason) {
    tables.badRequest(table);
    warn(ctx, reason);
    ctx.writeAndFlush(
            Unpooled.copiedBuffer(TcpTableCodec.error(reason) + "\n", StandardCharsets.ISO_8859_1))
        .addListener(ChannelFutureListener.CLOSE);
  }
}
