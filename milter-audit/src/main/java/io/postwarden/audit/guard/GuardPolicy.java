package io.postwarden.audit.guard;

import io.postwarden.audit.identity.ClientIdentifier;
import io.postwarden.audit.identity.ClientIdentity;
import io.postwarden.audit.log.AuditTrail;
import io.postwarden.core.policy.Connection;
import io.postwarden.core.policy.Decision;
import io.postwarden.core.policy.Modification.Capability;
import io.postwarden.core.policy.Policy;
import io.postwarden.core.policy.Stage;
import io.postwarden.core.policy.Transaction;
import java.lang.System.Logger.Level;
import java.util.EnumSet;
import java.util.Set;

/**
 * Refuses unauthenticated SMTP from this host's own clients at MAIL FROM, unless the operator
 * allows it: the compromised web app opening 127.0.0.1:25 (or an smtpd unix socket) is told to
 * authenticate, and the refusal names its process when it can be found.
 */
public final class GuardPolicy implements Policy {

  private static final System.Logger LOG = System.getLogger("postwarden.guard");

  private final GuardRules rules;
  private final ClientIdentifier identifier;
  private final AuditTrail trail;
  private final GuardMetrics metrics;

  public GuardPolicy(
      GuardRules rules, ClientIdentifier identifier, AuditTrail trail, GuardMetrics metrics) {
    this.rules = rules;
    this.identifier = identifier;
    this.trail = trail;
    this.metrics = metrics;
  }

  @Override
  public String name() {
    return "guard";
  }

  @Override
  public Set<Stage> stages() {
    return EnumSet.of(Stage.CONNECT, Stage.MAIL);
  }

  /** Only the process lookup blocks; it runs once per connection, for a local client. */
  @Override
  public boolean mayBlock(Stage stage, Connection connection) {
    return identifier.mayBlock(connection);
  }

  @Override
  public Set<Capability> capabilities() {
    return EnumSet.noneOf(Capability.class);
  }

  /** Looks the process up while the client waits for the banner, before it can send anything. */
  @Override
  public Decision onConnect(Connection connection) {
    identifier.of(connection);
    return Decision.CONTINUE;
  }

  @Override
  public Decision onMail(Transaction tx) {
    ClientIdentity identity = identifier.of(tx.connection());
    GuardDecision decision = rules.decide(tx, identity);
    tx.connection().attributes().put(GuardDecision.class, decision);
    metrics.count(decision, identity.kind());
    if (!decision.refuses()) {
      return Decision.CONTINUE;
    }
    String auditId = trail.refused(tx, identity, decision);
    LOG.log(
        Level.WARNING,
        "refused unauthenticated local submission audit_id="
            + auditId
            + " client="
            + tx.connection().client()
            + " client_kind="
            + identity.kind().label()
            + " from=<"
            + tx.sender()
            + "> process="
            + identity.peer().map(Object::toString).orElse("not looked up"));
    return Decision.reject(rules.reply());
  }
}
