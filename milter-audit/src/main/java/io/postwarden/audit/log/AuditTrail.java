package io.postwarden.audit.log;

import io.postwarden.audit.guard.GuardDecision;
import io.postwarden.audit.identity.ClientIdentity;
import io.postwarden.core.policy.Transaction;
import java.security.SecureRandom;
import java.util.Optional;

/**
 * Gives each decision an audit id and writes its record; the id ties a message's header to its
 * record.
 */
public final class AuditTrail implements AutoCloseable {

  private final AuditLog log;
  private final AuditRecords records;
  private final SecureRandom random = new SecureRandom();

  public AuditTrail(AuditLog log, AuditRecords records) {
    this.log = log;
    this.records = records;
  }

  /** An accepted message; "hold" when another policy put it on hold, with the note saying why. */
  public String accepted(Transaction tx, ClientIdentity identity, GuardDecision decision) {
    Optional<HoldNote> held = HoldNote.of(tx);
    return write(held.isPresent() ? "hold" : "accept", tx, identity, decision, held);
  }

  public String refused(Transaction tx, ClientIdentity identity, GuardDecision decision) {
    return write("refuse", tx, identity, decision, Optional.empty());
  }

  private String write(
      String event,
      Transaction tx,
      ClientIdentity identity,
      GuardDecision decision,
      Optional<HoldNote> held) {
    String id = newId();
    Json record =
        records.record(event, id, tx, identity, decision == null ? null : decision.label());
    held.ifPresent(
        note ->
            record.object(
                "held", new Json().string("key", note.key()).string("limit", note.limit())));
    log.write(record);
    return id;
  }

  @Override
  public void close() {
    log.close();
  }

  /**
   * 16 characters of Crockford base32: 80 random bits, no ambiguous letters, safe in any header.
   */
  String newId() {
    byte[] bytes = new byte[10];
    random.nextBytes(bytes);
    return Crockford.encode(bytes);
  }
}
