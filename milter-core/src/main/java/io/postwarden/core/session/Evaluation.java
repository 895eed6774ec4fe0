package io.postwarden.core.session;

import io.postwarden.core.policy.Decision;
import io.postwarden.core.policy.SmtpReply;

/**
 * The merged answer of all policies at one stage.
 *
 * @param decision what the MTA is told
 * @param decidedBy the policy whose refusal won, or null
 * @param error the fault when the answer is a tempfail Postwarden could not avoid, else null
 */
public record Evaluation(Decision decision, String decidedBy, Fault error) {

  /** Sent whenever Postwarden itself cannot decide: the client retries later, nothing is lost. */
  public static final SmtpReply TRY_AGAIN =
      new SmtpReply(451, "4.3.0", "Temporary mail filter failure, please try again later");

  public static Evaluation of(Decision decision, String decidedBy) {
    return new Evaluation(decision, decidedBy, null);
  }

  public static Evaluation failure(Fault error, String policy) {
    return new Evaluation(Decision.tempfail(TRY_AGAIN), policy, error);
  }
}
