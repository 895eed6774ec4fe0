package io.postwarden.core.session;

import io.postwarden.core.policy.MailOrigin;
import io.postwarden.core.policy.Stage;
import io.postwarden.core.protocol.ProtocolException;
import java.util.List;

/**
 * Hears what sessions do, for metrics and logs. Calls come from event-loop and worker threads
 * alike.
 */
public interface SessionObserver {

  default void sessionOpened() {}

  default void sessionClosed() {}

  default void stageEvaluated(Stage stage, Evaluation evaluation, long nanos) {}

  default void transactionEnded(TransactionRecord record) {}

  default void protocolError(ProtocolException.Kind kind, String detail) {}

  /** A listener of {@code listener}'s kind refused or cut off a connection. */
  default void connectionDropped(MailOrigin listener, ConnectionDrop reason) {}

  /** Fans out to several observers. */
  static SessionObserver all(List<SessionObserver> observers) {
    List<SessionObserver> copy = List.copyOf(observers);
    return new SessionObserver() {
      @Override
      public void sessionOpened() {
        copy.forEach(SessionObserver::sessionOpened);
      }

      @Override
      public void sessionClosed() {
        copy.forEach(SessionObserver::sessionClosed);
      }

      @Override
      public void stageEvaluated(Stage stage, Evaluation evaluation, long nanos) {
        copy.forEach(o -> o.stageEvaluated(stage, evaluation, nanos));
      }

      @Override
      public void transactionEnded(TransactionRecord record) {
        copy.forEach(o -> o.transactionEnded(record));
      }

      @Override
      public void protocolError(ProtocolException.Kind kind, String detail) {
        copy.forEach(o -> o.protocolError(kind, detail));
      }

      @Override
      public void connectionDropped(MailOrigin listener, ConnectionDrop reason) {
        copy.forEach(o -> o.connectionDropped(listener, reason));
      }
    };
  }
}
