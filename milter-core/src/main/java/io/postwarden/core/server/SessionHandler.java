package io.postwarden.core.server;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.timeout.IdleStateEvent;
import io.postwarden.core.logging.RateLimitedLog;
import io.postwarden.core.protocol.MilterCommand;
import io.postwarden.core.protocol.ProtocolException;
import io.postwarden.core.session.ConnectionDrop;
import io.postwarden.core.session.Evaluation;
import io.postwarden.core.session.Fault;
import io.postwarden.core.session.MilterSession;
import io.postwarden.core.session.SessionObserver;
import io.postwarden.core.session.Step;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.nightcode.milter.codec.MilterPacket;
import org.nightcode.milter.util.MilterPackets;

/**
 * Drives one {@link MilterSession} from the event loop: commands in order, one at a time. Policy
 * work is handed to the worker pool; while it runs, the connection stops reading, commands already
 * read wait in a bounded queue, and the answer is written back from the event loop. Each reply goes
 * out in a single flush, so Nagle never splits modifications from their verdict.
 */
final class SessionHandler extends ChannelInboundHandlerAdapter {

  private static final System.Logger LOG = System.getLogger(SessionHandler.class.getName());

  /**
   * Shared by all sessions: every event is counted (protocol errors, faults), a flood is logged in
   * part.
   */
  private static final RateLimitedLog WARNINGS = RateLimitedLog.perMinute(LOG);

  /**
   * Commands that may wait behind a policy stage. Postfix waits for each reply it expects, so at
   * most a macro packet and an ABORT or QUIT arrive early, or on a unix socket, behind an
   * unanswered CONNECT, the HELO and the MAIL with their macros; a peer that sends more is not an
   * MTA, and each command may hold a packet's worth of memory.
   */
  static final int MAX_WAITING = 16;

  private final MilterSession session;
  private final SessionObserver observer;
  private final PolicyWorkers workers;
  private final Consumer<ConnectionDrop> drops;
  private final Queue<MilterCommand> waiting = new ArrayDeque<>();

  /**
   * The policy work the session waits for, if any; answered once, by the workers or by the
   * deadline.
   */
  private Step.Consult consulting;

  private boolean closing;

  /**
   * @param drops told when this handler cuts the connection off, and why
   */
  SessionHandler(
      MilterSession session,
      SessionObserver observer,
      PolicyWorkers workers,
      Consumer<ConnectionDrop> drops) {
    this.session = session;
    this.observer = observer;
    this.workers = workers;
    this.drops = drops;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    observer.sessionOpened();
    ctx.fireChannelActive();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    closing = true;
    waiting.clear();
    session.closed();
    observer.sessionClosed();
    ctx.fireChannelInactive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object message) {
    MilterCommand command = (MilterCommand) message;
    if (closing) {
      return;
    }
    if (consulting != null) {
      if (waiting.size() >= MAX_WAITING) {
        cutOff(ctx, ConnectionDrop.COMMAND_BACKLOG);
        return;
      }
      waiting.add(command);
      return;
    }
    perform(ctx, session.receive(command));
  }

  private void perform(ChannelHandlerContext ctx, Step step) {
    if (closing) {
      return;
    }
    if (step instanceof Step.Reply reply) {
      write(ctx, reply.packets());
      drain(ctx);
    } else if (step instanceof Step.Close close) {
      closing = true;
      write(ctx, close.packets());
      ctx.close();
    } else {
      consult(ctx, (Step.Consult) step);
    }
  }

  private void consult(ChannelHandlerContext ctx, Step.Consult consult) {
    consulting = consult;
    // what the peer sends meanwhile stays in the kernel's socket buffer, not in our heap
    ctx.channel().config().setAutoRead(false);
    CompletableFuture<Evaluation> future;
    try {
      future = workers.submit(consult.work());
    } catch (RejectedExecutionException e) {
      future = CompletableFuture.failedFuture(e);
    }
    ScheduledFuture<?> deadline =
        ctx.executor()
            .schedule(
                () -> answer(ctx, consult, null, new TimeoutException()),
                workers.deadline().toNanos(),
                TimeUnit.NANOSECONDS);
    future.whenComplete(
        (evaluation, failure) ->
            ctx.executor()
                .execute(
                    () -> {
                      deadline.cancel(false);
                      answer(ctx, consult, evaluation, failure);
                    }));
  }

  /**
   * The first answer to {@code consult} goes on; a late one (after the deadline answered) is
   * dropped.
   */
  private void answer(
      ChannelHandlerContext ctx, Step.Consult consult, Evaluation evaluation, Throwable failure) {
    if (consulting != consult) {
      return;
    }
    consulting = null;
    perform(ctx, consult.then().apply(failure == null ? evaluation : failed(failure)));
  }

  private static Evaluation failed(Throwable failure) {
    Throwable cause =
        failure instanceof CompletionException && failure.getCause() != null
            ? failure.getCause()
            : failure;
    if (cause instanceof TimeoutException) {
      WARNINGS.log(Level.WARNING, "policy timeout", "policies did not answer in time; tempfailing");
      return Evaluation.failure(Fault.POLICY_TIMEOUT, null);
    }
    if (cause instanceof RejectedExecutionException) {
      WARNINGS.log(Level.WARNING, "workers saturated", "policy workers are saturated; tempfailing");
      return Evaluation.failure(Fault.OVERLOADED, null);
    }
    LOG.log(Level.ERROR, "policy evaluation failed", cause);
    return Evaluation.failure(Fault.POLICY_EXCEPTION, null);
  }

  private void drain(ChannelHandlerContext ctx) {
    while (consulting == null && !closing && !waiting.isEmpty()) {
      Step step = session.receive(waiting.poll());
      perform(ctx, step);
    }
    if (consulting == null && !closing) {
      ctx.channel().config().setAutoRead(true);
    }
  }

  private static void write(ChannelHandlerContext ctx, List<MilterPacket> packets) {
    if (packets.isEmpty()) {
      return;
    }
    packets.forEach(ctx::write);
    ctx.flush();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
    if (event instanceof IdleStateEvent && consulting == null) {
      cutOff(ctx, ConnectionDrop.IDLE_TIMEOUT);
      return;
    }
    if (event instanceof ConnectionDrop missedDeadline) {
      cutOff(ctx, missedDeadline);
      return;
    }
    ctx.fireUserEventTriggered(event);
  }

  /** Closes a connection that broke a limit; with a tempfail when the peer awaits a reply. */
  private void cutOff(ChannelHandlerContext ctx, ConnectionDrop reason) {
    if (closing) {
      return;
    }
    closing = true;
    waiting.clear();
    drops.accept(reason);
    if (reason == ConnectionDrop.COMMAND_BACKLOG) {
      ctx.writeAndFlush(MilterPackets.SMFIS_TEMPFAIL).addListener(ChannelFutureListener.CLOSE);
    } else {
      ctx.close();
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (closing) {
      return;
    }
    closing = true;
    if (cause instanceof IOException) {
      ctx.close();
      return;
    }
    ProtocolException.Kind kind = kindOf(cause);
    if (!isPeersFault(cause)) {
      LOG.log(
          Level.ERROR,
          "internal error in the milter session from " + ctx.channel().remoteAddress(),
          cause);
    }
    WARNINGS.log(
        Level.WARNING,
        "protocol error " + kind,
        "closing milter session from " + ctx.channel().remoteAddress() + ": " + cause.getMessage());
    observer.protocolError(kind, String.valueOf(cause.getMessage()));
    ctx.writeAndFlush(MilterPackets.SMFIS_TEMPFAIL).addListener(ChannelFutureListener.CLOSE);
  }

  /**
   * Bytes the peer got wrong, as opposed to a defect of ours, which deserves its stack trace in the
   * log.
   */
  private static boolean isPeersFault(Throwable cause) {
    Throwable root =
        cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
    return root instanceof ProtocolException
        || root instanceof CorruptedFrameException
        || root instanceof TooLongFrameException;
  }

  private static ProtocolException.Kind kindOf(Throwable cause) {
    if (cause instanceof TooLongFrameException) {
      return ProtocolException.Kind.FRAME_TOO_LONG;
    }
    if (cause instanceof DecoderException
        && cause.getCause() instanceof ProtocolException protocol) {
      return protocol.kind();
    }
    return ProtocolException.Kind.MALFORMED;
  }
}
