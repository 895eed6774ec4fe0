package io.postwarden.srs.codec;

/**
 * The outcome of {@link SrsCodec#reverse}. Both outcomes carry the domain part of the address that
 * was reversed, because the references ignore it and the policy must decide whether it is ours
 * (reject forgeries at our SRS domain, let other people's SRS addresses through).
 */
public sealed interface ReverseResult {

  /** The domain part of the address given to reverse, empty if it had no {@code @}. */
  String srsDomain();

  /**
   * @param address the original sender for SRS0, the first forwarder's SRS0 address for SRS1
   */
  record Reversed(String address, String srsDomain) implements ReverseResult {}

  /**
   * @param message one line for the log, meant for an admin
   */
  record Rejected(ReverseFailure reason, String message, String srsDomain)
      implements ReverseResult {}
}
