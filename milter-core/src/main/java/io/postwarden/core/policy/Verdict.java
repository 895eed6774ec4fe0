package io.postwarden.core.policy;

/** What a policy says about the connection, the transaction or one recipient. */
public enum Verdict {
  /** No objection; later stages and other policies still run. */
  CONTINUE,
  /** Permanent refusal (5xx). */
  REJECT,
  /** Temporary refusal (4xx): the client or Postfix retries, nothing is lost. */
  TEMPFAIL,
  /** Accept and silently drop the message. */
  DISCARD;

  public boolean refuses() {
    return this != CONTINUE;
  }
}
