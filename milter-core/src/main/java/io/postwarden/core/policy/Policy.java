package io.postwarden.core.policy;

import java.util.Set;

/**
 * One concern of Postwarden (guard, SRS, From: repair …). A policy never sees protocol packets: it
 * reads the transaction and returns decisions; the core turns them into milter replies. A stage at
 * which some policy {@linkplain #mayBlock(Stage, Connection) may block} runs on a worker pool with
 * a deadline, so a slow lookup (DNS, /proc, a process, a network store) never stalls the network
 * event loop; any other stage runs on the event loop itself, which spares it two thread hand-offs.
 *
 * <p>Callbacks of one session are called one at a time, in protocol order.
 */
public interface Policy {

  /** Short stable name used in logs and metric labels, e.g. {@code "srs"}. */
  String name();

  /** The stages this policy needs to see; the core negotiates away whatever no policy needs. */
  Set<Stage> stages();

  /** The kinds of modification this policy may return at end of message. */
  Set<Modification.Capability> capabilities();

  /**
   * Whether this policy's callback at {@code stage} (CONNECT or HELO) may block this time: a
   * process lookup, DNS, an external command, a network store. Must answer at once, without
   * blocking. Default: it may, so a policy that says nothing never runs on the event loop.
   */
  default boolean mayBlock(Stage stage, Connection connection) {
    return true;
  }

  /**
   * As {@link #mayBlock(Stage, Connection)}, for the stages of a transaction (MAIL, RCPT, end of
   * message).
   */
  default boolean mayBlock(Stage stage, Transaction tx) {
    return mayBlock(stage, tx.connection());
  }

  default Decision onConnect(Connection connection) {
    return Decision.CONTINUE;
  }

  default Decision onHelo(Connection connection) {
    return Decision.CONTINUE;
  }

  default Decision onMail(Transaction tx) {
    return Decision.CONTINUE;
  }

  /** Called for each recipient; a refusal refuses that recipient only. */
  default Decision onRecipient(Transaction tx, Recipient recipient) {
    return Decision.CONTINUE;
  }

  /** The only place where modifications are allowed. */
  default Decision onEndOfMessage(Transaction tx) {
    return Decision.CONTINUE;
  }
}
