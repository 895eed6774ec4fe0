package io.postwarden.audit.tag;

import io.postwarden.audit.identity.ClientIdentity;
import io.postwarden.core.policy.MailOrigin;
import io.postwarden.core.policy.Modification;
import io.postwarden.core.policy.Modification.AddHeader;
import io.postwarden.core.policy.Transaction;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.DoubleConsumer;

/**
 * The sender's identity in the header a smart host judges senders by (MailChannels: {@code
 * X-AuthUser}): the SASL login, else the Unix user of a local client or sendmail(1) submission.
 * Without it the smart host sees every web site as one anonymous sender. Copies that arrive with a
 * message are deleted first, from every client, so nobody can pass for another sender; mail with no
 * identity (remote, or a lookup that failed) leaves without one.
 */
public final class SmarthostHeader {

  /** Bounds what a client's login can make us write. */
  static final int MAX_VALUE = 256;

  private final String name;
  private final DoubleConsumer deleted;

  /**
   * @param deleted told how many copies arrived with a message (a metric: someone tried to pass for
   *     another)
   */
  public SmarthostHeader(String name, DoubleConsumer deleted) {
    this.name = name;
    this.deleted = deleted;
  }

  public List<Modification> changes(Transaction tx, ClientIdentity identity) {
    List<Modification> changes =
        new ArrayList<>(OurHeaders.removals(tx.headers(), name::equalsIgnoreCase));
    if (!changes.isEmpty()) {
      deleted.accept(changes.size());
    }
    identity(tx, identity)
        .ifPresent(
            sender ->
                changes.add(
                    new AddHeader(
                        name,
                        AuditHeader.printable(
                                new StringBuilder(),
                                sender.length() > MAX_VALUE
                                    ? sender.substring(0, MAX_VALUE)
                                    : sender)
                            .toString())));
    return changes;
  }

  private static Optional<String> identity(Transaction tx, ClientIdentity identity) {
    if (tx.authenticatedUser().isPresent()) {
      return tx.authenticatedUser();
    }
    boolean local = tx.connection().origin() == MailOrigin.NON_SMTPD || identity.kind().localSmtp();
    return local ? identity.unixUser() : Optional.empty();
  }
}
