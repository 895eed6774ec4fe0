package io.postwarden.core.session;

import io.postwarden.core.policy.Policy;
import io.postwarden.core.protocol.CommandDecoder;
import io.postwarden.core.protocol.MilterCommand;
import java.util.ArrayList;
import java.util.List;
import org.nightcode.milter.codec.MilterPacket;

/**
 * Runs a session synchronously: packets in, the packets it would write out, policy work done
 * inline. Public for other modules' tests of their policies in a real session.
 */
public final class SessionDriver {

  public final List<TransactionRecord> transactions = new ArrayList<>();
  final List<String> errors = new ArrayList<>();

  /** Stages the session handed to the worker pool (the rest it answered on its own thread). */
  int consulted;

  final MilterSession session;
  boolean closed;

  public SessionDriver(Policy... policies) {
    this(new SessionLimits(4 << 20, new MemoryBudget(64 << 20)), policies);
  }

  public SessionDriver(SessionLimits limits, Policy... policies) {
    this(limits, new io.postwarden.core.policy.MilterLink(null, null), policies);
  }

  /** Over {@code link}'s transport (e.g. a unix socket, where headers need no reply). */
  public SessionDriver(
      SessionLimits limits, io.postwarden.core.policy.MilterLink link, Policy... policies) {
    SessionObserver observer =
        new SessionObserver() {
          @Override
          public void transactionEnded(TransactionRecord record) {
            transactions.add(record);
          }

          @Override
          public void stageEvaluated(
              io.postwarden.core.policy.Stage stage, Evaluation evaluation, long nanos) {
            if (evaluation.error() != null) {
              errors.add(evaluation.error().label());
            }
          }

          @Override
          public void protocolError(
              io.postwarden.core.protocol.ProtocolException.Kind kind, String detail) {
            errors.add(kind.name());
          }
        };
    session =
        new MilterSession(
            new PolicyChain(List.of(policies)),
            observer,
            io.postwarden.core.policy.MailOrigin.SMTPD,
            link,
            limits);
  }

  public List<MilterPacket> send(char command, byte[] payload) {
    if (closed) {
      throw new AssertionError("session already closed");
    }
    MilterCommand decoded =
        CommandDecoder.decode(MilterPacket.builder().command(command).payload(payload).build());
    return run(session.receive(decoded));
  }

  private List<MilterPacket> run(Step step) {
    if (step instanceof Step.Reply reply) {
      return reply.packets();
    }
    if (step instanceof Step.Close close) {
      closed = true;
      return close.packets();
    }
    Step.Consult consult = (Step.Consult) step;
    consulted++;
    return run(consult.then().apply(consult.work().get()));
  }

  public static String codes(List<MilterPacket> packets) {
    StringBuilder codes = new StringBuilder();
    packets.forEach(p -> codes.append((char) p.command()));
    return codes.toString();
  }
}
