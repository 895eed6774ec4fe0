package io.postwarden.audit.log;

import io.postwarden.audit.guard.GuardDecision;
import io.postwarden.audit.identity.ClientIdentity;
import io.postwarden.core.policy.Transaction;
import java.security.SecureRandom;

/** Gives each decision an audit id and writes its record; the id ties a message's header to its record. */
public final class AuditTrail implements AutoCloseable {

  private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();

  private final AuditLog log;
  private final AuditRecords records;
  private final SecureRandom random = new SecureRandom();

  public AuditTrail(AuditLog log, AuditRecords records) {
    this.log = log;
    this.records = records;
  }

  public String accepted(Transaction tx, ClientIdentity identity, GuardDecision decision) {
    return write("accept", tx, identity, decision);
  }

  public String refused(Transaction tx, ClientIdentity identity, GuardDecision decision) {
    return write("refuse", tx, identity, decision);
  }

  private String write(String event, Transaction tx, ClientIdentity identity, GuardDecision decision) {
    String id = newId();
    log.write(records.record(event, id, tx, identity, decision == null ? null : decision.label()));
    return id;
  }

  @Override
  public void close() {
    log.close();
  }

  /** 16 characters of Crockford base32: 80 random bits, no ambiguous letters, safe in any header. */
  String newId() {
    byte[] bytes = new byte[10];
    random.nextBytes(bytes);
    StringBuilder id = new StringBuilder(16);
    long bits = 0;
    int count = 0;
    for (byte b : bytes) {
      bits = (bits << 8) | (b & 0xff);
      count += 8;
      while (count >= 5) {
        count -= 5;
        id.append(ALPHABET[(int) ((bits >> count) & 31)]);
      }
    }
    return id.toString();
  }
}
