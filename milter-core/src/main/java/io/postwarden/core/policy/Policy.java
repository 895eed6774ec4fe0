package io.postwarden.core.policy;

import java.util.Set;

/**
 * One concern of Postwarden (guard, SRS, From: repair …). A policy never sees protocol packets: it reads the
 * transaction and returns decisions; the core turns them into milter replies. Callbacks run on a worker pool,
 * never on the network event loop, so they may block briefly (DNS, /proc, files).
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
