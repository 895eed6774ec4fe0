package io.postwarden.audit.log;

import io.postwarden.core.policy.Transaction;
import java.util.Optional;

/**
 * Why another policy put the current message on hold (which limit of which key), for its audit
 * record. That policy attaches it at end of message; the audit tags, which run last, read it for
 * the same transaction only.
 *
 * @param key the budget holder, e.g. {@code unix:www-shop}
 * @param limit the limit that held it, e.g. {@code recipients 500/1h}
 */
public record HoldNote(String key, String limit) {

  public void attachTo(Transaction tx) {
    tx.connection().attributes().put(Attached.class, new Attached(tx, this));
  }

  public static Optional<HoldNote> of(Transaction tx) {
    return tx.connection()
        .attributes()
        .get(Attached.class)
        .filter(a -> a.tx == tx)
        .map(Attached::note);
  }

  /**
   * Tied to the very transaction object, so a later transaction of the session never inherits it.
   */
  private record Attached(Transaction tx, HoldNote note) {}
}
