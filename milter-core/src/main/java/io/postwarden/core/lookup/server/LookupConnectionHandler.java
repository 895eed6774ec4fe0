package io.postwarden.core.lookup.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.postwarden.core.logging.RateLimitedLog;
import io.postwarden.core.lookup.LookupContext;
import io.postwarden.core.lookup.LookupResult;
import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.function.Function;

/**
 * What both protocols' handlers share: requests are answered one at a time and in order (a lookup
 * may read what an earlier one on the connection noted); a lookup that may block runs on the
 * workers while later requests wait; idle connections close; errors close the connection and never
 * spread.
 */
abstract class LookupConnectionHandler extends SimpleChannelInboundHandler<Object> {

  private static final System.Logger LOG = System.getLogger(LookupServer.class.getName());

  /** A client sending garbage in a loop must not flood the log. */
  private static final RateLimitedLog WARNINGS = RateLimitedLog.perMinute(LOG);

  /**
   * Requests read ahead while a lookup runs on the workers; beyond this the connection stops
   * reading until they are answered. Postfix asks one question at a time.
   */
  static final int MAX_WAITING = 16;

  /**
   * Requests one read may still decode after reading stopped: past this many waiting, the client is
   * flooding, not asking, and loses the connection (the requests are not answered).
   */
  static final int MAX_QUEUED = 1024;

  final Tables tables;
  private final LookupWorkers workers;
  private final LookupContext context = new LookupContext();
  private final ArrayDeque<Object> waiting = new ArrayDeque<>();
  private boolean onWorkers;
  private boolean flooded;

  LookupConnectionHandler(Tables tables, LookupWorkers workers) {
    this.tables = tables;
    this.workers = workers;
  }

  /** Decodes one request and answers it, through {@link #lookup} or with a refusal. */
  abstract void answer(ChannelHandlerContext ctx, Object message);

  @Override
  protected final void channelRead0(ChannelHandlerContext ctx, Object message) {
    if (flooded) {
      return; // what the last read still holds, decoded while the connection closes
    }
    if (onWorkers) {
      if (waiting.size() >= MAX_QUEUED) {
        flooded = true;
        tables.badRequest(LookupMetrics.UNKNOWN);
        warn(ctx, "more than " + MAX_QUEUED + " requests waiting for one answer");
        ctx.close();
        return;
      }
      waiting.add(ReferenceCountUtil.retain(message));
      if (waiting.size() >= MAX_WAITING) {
        ctx.channel().config().setAutoRead(false);
      }
      return;
    }
    answer(ctx, message);
  }

  /**
   * Looks {@code key} up in {@code table} and writes {@code reply}'s encoding of the result (empty
   * for a table nobody serves): here, or on the workers when the table may block; "busy" when they
   * are saturated.
   */
  final void lookup(
      ChannelHandlerContext ctx,
      String table,
      String key,
      Function<Optional<LookupResult>, ByteBuf> reply) {
    if (!tables.mayBlock(table, key)) {
      ctx.writeAndFlush(reply.apply(tables.lookup(table, key, context)));
      return;
    }
    onWorkers = true;
    workers
        .submit(() -> tables.lookup(table, key, context))
        .whenCompleteAsync(
            (result, failure) -> {
              onWorkers = false;
              if (failure != null) {
                tables.busy(table);
              }
              ctx.writeAndFlush(
                  reply.apply(
                      failure == null
                          ? result
                          : Optional.of(new LookupResult.Failed("lookup workers busy"))));
              answerWaiting(ctx);
            },
            ctx.executor());
  }

  private void answerWaiting(ChannelHandlerContext ctx) {
    while (!onWorkers && !waiting.isEmpty() && ctx.channel().isActive()) {
      Object message = waiting.poll();
      try {
        answer(ctx, message);
      } finally {
        ReferenceCountUtil.release(message);
      }
    }
    if (!onWorkers) {
      ctx.channel().config().setAutoRead(true);
    }
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    waiting.forEach(ReferenceCountUtil::release);
    waiting.clear();
  }

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
