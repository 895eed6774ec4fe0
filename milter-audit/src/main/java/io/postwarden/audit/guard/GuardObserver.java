package io.postwarden.audit.guard;

import io.postwarden.audit.identity.ClientIdentity;
import io.postwarden.core.policy.Transaction;

/**
 * The guard switched off ({@code guard = false}): it refuses nothing, but the audit trail still
 * says, and the metrics count, which accepted messages it would have refused.
 */
public final class GuardObserver {

  private final GuardRules rules;
  private final GuardMetrics metrics;

  public GuardObserver(GuardRules rules, GuardMetrics metrics) {
    this.rules = rules;
    this.metrics = metrics;
  }

  /**
   * What the guard would have decided; {@link GuardDecision#WOULD_REFUSE} where it would have
   * refused.
   */
  public GuardDecision observe(Transaction tx, ClientIdentity identity) {
    GuardDecision decision = rules.decide(tx, identity);
    GuardDecision observed = decision.refuses() ? GuardDecision.WOULD_REFUSE : decision;
    metrics.count(observed, identity.kind());
    return observed;
  }
}
