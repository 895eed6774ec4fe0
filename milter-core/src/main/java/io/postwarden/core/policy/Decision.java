package io.postwarden.core.policy;

import java.util.List;
import java.util.Objects;

/**
 * A policy's answer at one stage: a verdict, an optional SMTP reply for a refusal, and (at end of
 * message only) the modifications to apply.
 */
public record Decision(Verdict verdict, SmtpReply reply, List<Modification> modifications) {

  public static final Decision CONTINUE = new Decision(Verdict.CONTINUE, null, List.of());

  public Decision {
    Objects.requireNonNull(verdict, "verdict");
    modifications = List.copyOf(modifications);
    if (reply != null) {
      boolean fits =
          switch (verdict) {
            case REJECT -> reply.permanent();
            case TEMPFAIL -> !reply.permanent();
            default -> false;
          };
      if (!fits) {
        throw new IllegalArgumentException("reply " + reply + " does not fit verdict " + verdict);
      }
    }
    if (verdict.refuses() && !modifications.isEmpty()) {
      throw new IllegalArgumentException("a refusal carries no modifications");
    }
  }

  public static Decision modify(List<Modification> modifications) {
    return new Decision(Verdict.CONTINUE, null, modifications);
  }

  public static Decision modify(Modification... modifications) {
    return modify(List.of(modifications));
  }

  public static Decision reject(SmtpReply reply) {
    return new Decision(Verdict.REJECT, reply, List.of());
  }

  public static Decision tempfail(SmtpReply reply) {
    return new Decision(Verdict.TEMPFAIL, reply, List.of());
  }

  public static Decision discard() {
    return new Decision(Verdict.DISCARD, null, List.of());
  }
}
