package io.postwarden.core.session;

import io.postwarden.core.policy.ClientAddress;
import io.postwarden.core.policy.Modification;
import java.time.Duration;
import java.util.List;

/**
 * How one transaction ended, for the transaction log line and metrics.
 *
 * @param outcome one of {@link Outcome}'s values
 * @param decidedBy the policy that refused, or null
 * @param modifications the kinds of modification applied, in order
 */
public record TransactionRecord(
    String queueId,
    ClientAddress client,
    String clientHostname,
    String authenticatedUser,
    String sender,
    int recipients,
    Outcome outcome,
    String decidedBy,
    List<Modification> modifications,
    Duration duration) {

  public enum Outcome {
    ACCEPTED,
    REJECTED,
    TEMPFAILED,
    DISCARDED,
    ABORTED;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }
}
