package io.postwarden.core.session;

import io.postwarden.core.logging.RateLimitedLog;
import io.postwarden.core.policy.Decision;
import io.postwarden.core.policy.Header;
import io.postwarden.core.policy.MailOrigin;
import io.postwarden.core.policy.MilterLink;
import io.postwarden.core.policy.Modification;
import io.postwarden.core.policy.Policy;
import io.postwarden.core.policy.Recipient;
import io.postwarden.core.policy.Stage;
import io.postwarden.core.policy.Verdict;
import io.postwarden.core.protocol.MilterCommand;
import io.postwarden.core.protocol.MilterCommand.*;
import io.postwarden.core.protocol.NegotiatedOptions;
import io.postwarden.core.protocol.Negotiator;
import io.postwarden.core.protocol.ProtocolException;
import io.postwarden.core.protocol.ReplyEncoder;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.nightcode.milter.codec.MilterPacket;
import org.nightcode.milter.util.MilterPackets;

/**
 * The state machine of one milter connection: OPTNEG, CONNECT, HELO, then transactions MAIL, RCPT…,
 * DATA, headers, EOH, body, EOM (or ABORT), until QUIT. Knows no socket: it turns each command into
 * a {@link Step}. Commands out of order close the session (with a tempfail where a reply is due);
 * within a transaction, stages may be skipped (negotiated away) but never go backwards.
 */
public final class MilterSession {

  private static final System.Logger LOG = System.getLogger(MilterSession.class.getName());

  /**
   * Shared by all sessions: a flood of malformed ones is counted in full by the observer, logged in
   * part.
   */
  private static final RateLimitedLog VIOLATIONS = RateLimitedLog.perMinute(LOG);

  /** Where the conversation is; the order of the transaction phases matters. */
  private enum Phase {
    AWAIT_OPTNEG,
    AWAIT_CONNECT,
    CONNECTED,
    MAIL,
    RCPT,
    DATA,
    HEADERS,
    END_OF_HEADERS,
    BODY
  }

  private final PolicyChain chain;
  private final SessionObserver observer;
  private final MacroStore macros = new MacroStore();
  private final MailOrigin origin;
  private final MilterLink link;
  private final SessionLimits limits;
  private ConnectionState connection;
  private NegotiatedOptions options;
  private TransactionState transaction;

  /**
   * Refusals at CONNECT or HELO that the MTA read no reply for (SMFIP_NR_CONN, SMFIP_NR_HELO): each
   * MAIL of the session gets them instead, so no mail passes what a policy refused.
   */
  private final Map<Stage, Evaluation> unansweredRefusals = new EnumMap<>(Stage.class);

  private Phase phase = Phase.AWAIT_OPTNEG;

  public MilterSession(
      PolicyChain chain,
      SessionObserver observer,
      MailOrigin origin,
      MilterLink link,
      SessionLimits limits) {
    this.chain = chain;
    this.limits = limits;
    this.observer = observer;
    this.origin = origin;
    this.link = link;
    this.connection = new ConnectionState(macros, origin, link);
  }

  public Step receive(MilterCommand command) {
    try {
      return dispatch(command);
    } catch (ProtocolException e) {
      return violation(command, e);
    }
  }

  /** The transport closed (peer gone, timeout, shutdown): an open transaction counts as aborted. */
  public void closed() {
    endTransaction(TransactionRecord.Outcome.ABORTED, null, List.of());
  }

  private Step dispatch(MilterCommand command) {
    if (command instanceof OptionNegotiation offer) {
      require(command, Phase.AWAIT_OPTNEG, Phase.AWAIT_OPTNEG);
      options =
          Negotiator.answer(offer, chain.stages(), chain.capabilities(), link.overUnixSocket());
      phase = Phase.AWAIT_CONNECT;
      return reply(options.toPacket());
    }
    if (phase == Phase.AWAIT_OPTNEG) {
      throw outOfOrder(command);
    }
    if (command instanceof DefineMacros define) {
      macros.define(define.stageCode(), define.macros());
      return Step.Reply.NOTHING;
    }
    if (command instanceof Quit) {
      closed();
      return new Step.Close(List.of());
    }
    if (command instanceof QuitNewConnection) {
      closed();
      macros.endSession();
      connection = new ConnectionState(macros, origin, link);
      unansweredRefusals.clear();
      phase = Phase.AWAIT_CONNECT;
      return Step.Reply.NOTHING;
    }
    if (command instanceof Abort) {
      // Postfix sends ABORT after every EOM and before RSET; harmless without a transaction
      endTransaction(TransactionRecord.Outcome.ABORTED, null, List.of());
      return Step.Reply.NOTHING;
    }
    if (command instanceof Connect connect) {
      require(command, Phase.AWAIT_CONNECT, Phase.AWAIT_CONNECT);
      connection.connected(connect.hostname(), connect.client());
      phase = Phase.CONNECTED;
      return consult(
          command,
          Stage.CONNECT,
          policy -> policy.mayBlock(Stage.CONNECT, connection),
          policy -> policy.onConnect(connection),
          Function.identity());
    }
    if (command instanceof Helo helo) {
      require(command, Phase.CONNECTED, Phase.CONNECTED);
      connection.helo(helo.name());
      return consult(
          command,
          Stage.HELO,
          policy -> policy.mayBlock(Stage.HELO, connection),
          policy -> policy.onHelo(connection),
          Function.identity());
    }
    if (command instanceof Mail mail) {
      return mail(mail);
    }
    if (command instanceof Rcpt rcpt) {
      return recipient(rcpt);
    }
    if (command instanceof Data) {
      advance(command, Phase.RCPT, Phase.RCPT, Phase.DATA);
      return proceedIfAwaited(command);
    }
    if (command instanceof HeaderField header) {
      advance(command, Phase.RCPT, Phase.HEADERS, Phase.HEADERS);
      boolean unanswered = !options.awaitsReply(command);
      if (chain.wants(Stage.HEADERS) && transaction.headersRefused() == null) {
        Fault refused =
            transaction.reserve(TransactionState.sizeOf(header.name(), List.of(header.value())));
        if (refused != null && !unanswered) {
          return oversized(Stage.HEADERS, refused);
        }
        if (refused != null) {
          // the MTA reads no reply here: the rest of the headers pass unkept, and the tempfail
          // goes out at end of headers
          transaction.refuseHeaders(refused);
        } else {
          transaction.addHeader(new Header(header.name(), header.value()));
        }
      }
      return unanswered ? Step.Reply.NOTHING : proceed();
    }
    if (command instanceof EndOfHeaders) {
      advance(command, Phase.RCPT, Phase.HEADERS, Phase.END_OF_HEADERS);
      Fault refused = transaction.headersRefused();
      // unanswered, the tempfail waits for end of message, which is always answered
      return refused == null || !options.awaitsReply(command)
          ? proceedIfAwaited(command)
          : oversized(Stage.HEADERS, refused);
    }
    if (command instanceof BodyChunk chunk) {
      advance(command, Phase.RCPT, Phase.BODY, Phase.BODY);
      transaction.addBody(chunk.length());
      return proceedIfAwaited(command);
    }
    if (command instanceof EndOfMessage end) {
      advance(command, Phase.RCPT, Phase.BODY, Phase.BODY);
      transaction.addBody(end.trailingBodyLength());
      Fault refused = transaction.headersRefused();
      return refused == null ? endOfMessage() : oversized(Stage.HEADERS, refused);
    }
    if (command instanceof UnknownSmtpCommand) {
      require(command, Phase.CONNECTED, Phase.BODY);
      return proceedIfAwaited(command);
    }
    throw outOfOrder(command);
  }

  private Step mail(Mail mail) {
    require(mail, Phase.CONNECTED, Phase.BODY);
    if (transaction != null) {
      // a new MAIL without ABORT starts over, as RSET would
      endTransaction(TransactionRecord.Outcome.ABORTED, null, List.of());
    }
    macros.beginTransaction();
    transaction =
        new TransactionState(
            connection, macros, mail.sender(), mail.esmtpArgs(), chain.wants(Stage.BODY), limits);
    phase = Phase.MAIL;
    Evaluation refusedBefore =
        unansweredRefusals.getOrDefault(Stage.CONNECT, unansweredRefusals.get(Stage.HELO));
    if (refusedBefore != null) {
      Decision decision = refusedBefore.decision();
      endTransaction(outcomeOf(decision.verdict()), refusedBefore.decidedBy(), List.of());
      return reply(ReplyEncoder.verdict(decision.verdict(), decision.reply()));
    }
    TransactionState tx = transaction;
    return consult(
        mail,
        Stage.MAIL,
        policy -> policy.mayBlock(Stage.MAIL, tx),
        policy -> policy.onMail(tx),
        evaluation -> {
          if (evaluation.decision().verdict().refuses()) {
            endTransaction(
                outcomeOf(evaluation.decision().verdict()), evaluation.decidedBy(), List.of());
          }
          return evaluation;
        });
  }

  private Step recipient(Rcpt rcpt) {
    advance(rcpt, Phase.MAIL, Phase.RCPT, Phase.RCPT);
    Recipient recipient = new Recipient(rcpt.recipient(), rcpt.esmtpArgs());
    TransactionState tx = transaction;
    long size = TransactionState.sizeOf(rcpt.recipient(), rcpt.esmtpArgs());
    Fault refused = tx.reserve(size);
    if (refused != null) {
      macros.endRecipient();
      return oversized(Stage.RCPT, refused);
    }
    return consult(
        rcpt,
        Stage.RCPT,
        policy -> policy.mayBlock(Stage.RCPT, tx),
        policy -> policy.onRecipient(tx, recipient),
        evaluation -> {
          macros.endRecipient();
          if (evaluation.decision().verdict().refuses()) {
            tx.unreserve(size);
          } else {
            tx.addRecipient(recipient);
          }
          return evaluation;
        });
  }

  private Step endOfMessage() {
    TransactionState tx = transaction;
    if (!chain.wants(Stage.END_OF_MESSAGE)) {
      return concludeMessage(Evaluation.of(Decision.CONTINUE, null));
    }
    Supplier<Evaluation> work = timed(Stage.END_OF_MESSAGE, policy -> policy.onEndOfMessage(tx));
    return chain.mayBlock(Stage.END_OF_MESSAGE, policy -> policy.mayBlock(Stage.END_OF_MESSAGE, tx))
        ? new Step.Consult(work, this::concludeMessage)
        : concludeMessage(work.get());
  }

  /** Turns the merged end-of-message answer into modifications plus verdict, sent in one write. */
  private Step concludeMessage(Evaluation evaluation) {
    Decision decision = evaluation.decision();
    List<MilterPacket> packets = new ArrayList<>();
    List<Modification> applied = new ArrayList<>();
    for (Modification modification : decision.modifications()) {
      if (!options.allows(modification.capability())) {
        return failMessage(
            Fault.UNNEGOTIATED_MODIFICATION,
            evaluation,
            modification.capability() + " was not negotiated with the MTA");
      }
      try {
        packets.add(ReplyEncoder.modification(modification));
      } catch (IllegalArgumentException e) {
        return failMessage(Fault.INVALID_MODIFICATION, evaluation, e.getMessage());
      }
      applied.add(modification);
    }
    packets.add(ReplyEncoder.verdict(decision.verdict(), decision.reply()));
    endTransaction(outcomeOf(decision.verdict()), evaluation.decidedBy(), applied);
    return new Step.Reply(packets);
  }

  private Step failMessage(Fault error, Evaluation evaluation, String detail) {
    LOG.log(Level.ERROR, "refusing to send a modification: " + detail);
    return tempfailTransaction(
        Stage.END_OF_MESSAGE, Evaluation.failure(error, evaluation.decidedBy()));
  }

  private Step oversized(Stage stage, Fault fault) {
    LOG.log(
        Level.WARNING,
        fault == Fault.TRANSACTION_TOO_LARGE
            ? "tempfailing a transaction whose headers and recipients exceed "
                + limits.maxTransactionBytes()
                + " bytes"
            : "tempfailing a transaction: all sessions together keep "
                + limits.budget().capacity()
                + " bytes of headers and recipients already");
    return tempfailTransaction(stage, Evaluation.failure(fault, null));
  }

  /**
   * Ends the transaction with a tempfail Postwarden could not avoid. An MTA stops the message
   * there; a client that keeps sending its headers or recipients is out of order and loses the
   * session.
   */
  private Step tempfailTransaction(Stage stage, Evaluation failed) {
    observer.stageEvaluated(stage, failed, 0);
    endTransaction(TransactionRecord.Outcome.TEMPFAILED, failed.decidedBy(), List.of());
    return reply(ReplyEncoder.verdict(Verdict.TEMPFAIL, Evaluation.TRY_AGAIN));
  }

  /**
   * Asks the policies when any wants this stage, else answers at once: off the event loop (a {@link
   * Step.Consult}) when one of them {@code blocks} this time, on the session's own thread
   * otherwise. {@code after} runs on the session's thread with the merged answer before it is
   * encoded.
   */
  private Step consult(
      MilterCommand command,
      Stage stage,
      Predicate<Policy> blocks,
      Function<Policy, Decision> callback,
      Function<Evaluation, Evaluation> after) {
    if (!chain.wants(stage)) {
      after.apply(Evaluation.of(Decision.CONTINUE, null));
      return proceedIfAwaited(command);
    }
    Function<Evaluation, Step> answer =
        evaluation -> {
          Evaluation merged = after.apply(evaluation);
          Decision decision = merged.decision();
          if (!options.awaitsReply(command)) {
            if (decision.verdict().refuses()) {
              unansweredRefusals.put(stage, merged);
            } else {
              unansweredRefusals.remove(stage);
            }
            return Step.Reply.NOTHING;
          }
          return reply(ReplyEncoder.verdict(decision.verdict(), decision.reply()));
        };
    Supplier<Evaluation> work = timed(stage, callback);
    return chain.mayBlock(stage, blocks)
        ? new Step.Consult(work, answer)
        : answer.apply(work.get());
  }

  private Supplier<Evaluation> timed(Stage stage, Function<Policy, Decision> callback) {
    return () -> {
      long start = System.nanoTime();
      Evaluation evaluation = chain.evaluate(stage, callback);
      observer.stageEvaluated(stage, evaluation, System.nanoTime() - start);
      return evaluation;
    };
  }

  private void endTransaction(
      TransactionRecord.Outcome outcome, String decidedBy, List<Modification> modifications) {
    if (transaction == null) {
      return;
    }
    TransactionState tx = transaction;
    observer.transactionEnded(
        new TransactionRecord(
            tx.queueId().orElse(null),
            connection.client(),
            connection.clientHostname(),
            tx.authenticatedUser().orElse(null),
            tx.sender(),
            tx.recipients().size(),
            outcome,
            decidedBy,
            List.copyOf(modifications),
            Duration.ofNanos(System.nanoTime() - tx.startNanos())));
    tx.releaseAll();
    transaction = null;
    macros.endTransaction();
    if (phase.compareTo(Phase.CONNECTED) > 0) {
      phase = Phase.CONNECTED;
    }
  }

  private static TransactionRecord.Outcome outcomeOf(Verdict verdict) {
    return switch (verdict) {
      case CONTINUE -> TransactionRecord.Outcome.ACCEPTED;
      case REJECT -> TransactionRecord.Outcome.REJECTED;
      case TEMPFAIL -> TransactionRecord.Outcome.TEMPFAILED;
      case DISCARD -> TransactionRecord.Outcome.DISCARDED;
    };
  }

  private void require(MilterCommand command, Phase earliest, Phase latest) {
    if (phase.compareTo(earliest) < 0 || phase.compareTo(latest) > 0) {
      throw outOfOrder(command);
    }
  }

  private void advance(MilterCommand command, Phase earliest, Phase latest, Phase next) {
    require(command, earliest, latest);
    phase = next;
  }

  private ProtocolException outOfOrder(MilterCommand command) {
    return new ProtocolException(
        ProtocolException.Kind.OUT_OF_ORDER,
        command.getClass().getSimpleName() + " not allowed in phase " + phase);
  }

  private Step violation(MilterCommand command, ProtocolException e) {
    VIOLATIONS.log(
        Level.WARNING, "protocol error " + e.kind(), "closing milter session: " + e.getMessage());
    observer.protocolError(e.kind(), e.getMessage());
    closed();
    boolean awaited = options == null ? command.expectsReply() : options.awaitsReply(command);
    return new Step.Close(awaited ? List.of(MilterPackets.SMFIS_TEMPFAIL) : List.of());
  }

  private static Step proceed() {
    return reply(MilterPackets.SMFIS_CONTINUE);
  }

  private Step proceedIfAwaited(MilterCommand command) {
    return options.awaitsReply(command) ? proceed() : Step.Reply.NOTHING;
  }

  private static Step reply(MilterPacket packet) {
    return new Step.Reply(List.of(packet));
  }
}
