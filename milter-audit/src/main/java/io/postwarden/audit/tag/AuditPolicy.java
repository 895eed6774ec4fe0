package io.postwarden.audit.tag;

import io.postwarden.audit.guard.GuardRules;
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
import java.util.Set;

/** Every accepted message says who sent it: forged copies of our headers out, our audit header in, one record. */
public final class AuditPolicy implements Policy, AutoCloseable {

  private final ClientIdentifier identifier;
  private final GuardRules rules;
  private final AuditHeader header;
  private final AuditTrail trail;

  public AuditPolicy(ClientIdentifier identifier, GuardRules rules, AuditHeader header, AuditTrail trail) {
    this.identifier = identifier;
    this.rules = rules;
    this.header = header;
    this.trail = trail;
  }

  @Override
  public String name() {
    return "audit";
  }

  @Override
  public Set<Stage> stages() {
    return EnumSet.of(Stage.CONNECT, Stage.HEADERS, Stage.END_OF_MESSAGE);
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
    String auditId = trail.accepted(tx, identity, rules.decide(tx, identity));
    List<Modification> changes = new ArrayList<>(OurHeaders.removals(tx.headers()));
    changes.add(new AddHeader(AuditHeader.NAME, header.value(auditId, tx, identity)));
    return Decision.modify(changes);
  }
}
