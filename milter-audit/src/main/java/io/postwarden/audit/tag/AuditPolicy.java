package io.postwarden.audit.tag;

import io.postwarden.audit.guard.GuardDecision;
import io.postwarden.audit.guard.GuardObserver;
import io.postwarden.audit.identity.ClientIdentifier;
import io.postwarden.audit.identity.ClientIdentity;
import io.postwarden.audit.log.AuditTrail;
import io.postwarden.core.policy.Connection;
import io.postwarden.core.policy.Decision;
import io.postwarden.core.policy.Modification;
import io.postwarden.core.policy.Modification.AddHeader;
import io.postwarden.core.policy.Modification.Capability;
import io.postwarden.core.policy.Policy;
import io.postwarden.core.policy.Stage;
import io.postwarden.core.policy.Transaction;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Every accepted message says who sent it: forged copies of our headers out, our audit header in,
 * one record.
 */
public final class AuditPolicy implements Policy, AutoCloseable {

  private final ClientIdentifier identifier;
  private final Optional<GuardObserver> guardOff;
  private final AuditHeader header;
  private final AuditTrail trail;
  private final Optional<SmarthostHeader> smarthost;

  /**
   * @param guardOff present when the guard is off: it then only observes what the guard would have
   *     decided
   */
  public AuditPolicy(
      ClientIdentifier identifier,
      Optional<GuardObserver> guardOff,
      AuditHeader header,
      AuditTrail trail) {
    this(identifier, guardOff, header, trail, Optional.empty());
  }

  /**
   * @param smarthost present when the sender's identity goes to the smart host in a header of its
   *     own
   */
  public AuditPolicy(
      ClientIdentifier identifier,
      Optional<GuardObserver> guardOff,
      AuditHeader header,
      AuditTrail trail,
      Optional<SmarthostHeader> smarthost) {
    this.identifier = identifier;
    this.guardOff = guardOff;
    this.header = header;
    this.trail = trail;
    this.smarthost = smarthost;
  }

  @Override
  public String name() {
    return "audit";
  }

  @Override
  public Set<Stage> stages() {
    return EnumSet.of(Stage.CONNECT, Stage.HEADERS, Stage.END_OF_MESSAGE);
  }

  /** Only the process lookup blocks; it runs once per connection, for a local client. */
  @Override
  public boolean mayBlock(Stage stage, Connection connection) {
    return identifier.mayBlock(connection);
  }

  @Override
  public Set<Capability> capabilities() {
    return EnumSet.of(Capability.ADD_HEADERS, Capability.CHANGE_HEADERS);
  }

  @Override
  public Decision onConnect(Connection connection) {
    identifier.of(connection);
    return Decision.CONTINUE;
  }

  /** At shutdown, after the last session: writes the queued records. */
  @Override
  public void close() {
    trail.close();
  }

  @Override
  public Decision onEndOfMessage(Transaction tx) {
    ClientIdentity identity = identifier.of(tx.connection());
    String auditId = trail.accepted(tx, identity, guardDecision(tx, identity));
    List<Modification> changes = new ArrayList<>(OurHeaders.removals(tx.headers()));
    changes.add(new AddHeader(AuditHeader.NAME, header.value(auditId, tx, identity)));
    smarthost.ifPresent(added -> changes.addAll(added.changes(tx, identity)));
    return Decision.modify(changes);
  }

  /**
   * The guard's own decision, made at this transaction's MAIL; with the guard off, what it would
   * have decided.
   */
  private GuardDecision guardDecision(Transaction tx, ClientIdentity identity) {
    if (guardOff.isPresent()) {
      return guardOff.get().observe(tx, identity);
    }
    return tx.connection().attributes().get(GuardDecision.class).orElse(null);
  }
}
