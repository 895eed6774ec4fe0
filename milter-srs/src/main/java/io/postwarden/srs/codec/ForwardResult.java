package io.postwarden.srs.codec;

/** The outcome of {@link SrsCodec#forward}. */
public sealed interface ForwardResult {

  /**
   * @param address the SRS0 or SRS1 address to use as the envelope sender
   */
  record Rewritten(String address) implements ForwardResult {}

  /**
   * The sender cannot be rewritten; the policy decides whether to pass it on unchanged or to defer.
   *
   * @param message one line for the log, meant for an admin
   */
  record Refused(ForwardRefusal reason, String message) implements ForwardResult {}
}
