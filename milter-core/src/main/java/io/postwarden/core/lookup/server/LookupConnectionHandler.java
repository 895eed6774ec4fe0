package io.postwarden.core.lookup.server;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.postwarden.core.logging.RateLimitedLog;
import java.lang.System.Logger.Level;

/**
 * What both protocols' handlers share: idle connections close, errors close the connection and
 * never spread.
 */
abstract class LookupConnectionHandler extends SimpleChannelInboundHandler<Object> {

  private static final System.Logger LOG = System.getLogger(LookupServer.class.getName());

  /** A client sending garbage in a loop must not flood the log. */
  private static final RateLimitedLog WARNINGS = RateLimitedLog.perMinute(LOG);

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
    if (event instanceof IdleStateEvent) {
      ctx.close();
    } else {
      ctx.fireUserEventTriggered(event);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.log(
        Level.DEBUG,
        "lookup connection from " + ctx.channel().remoteAddress() + " failed: " + cause);
    ctx.close();
  }

  static void warn(ChannelHandlerContext ctx, String reason) {
    WARNINGS.log(
        Level.WARNING,
        "bad lookup request",
        "bad lookup request from " + ctx.channel().remoteAddress() + ": " + reason + "; closing");
  }

  /** Client-chosen text for a reply or log line: printable ASCII, bounded. */
  static String printable(String text) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < text.length() && out.length() < 100; i++) {
      char c = text.charAt(i);
      out.append(c > ' ' && c < 0x7f ? c : '?');
    }
    return out.toString();
  }
}
