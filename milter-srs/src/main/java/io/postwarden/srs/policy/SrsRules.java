package io.postwarden.srs.policy;

import io.postwarden.core.policy.ClientAddress;
import io.postwarden.core.policy.SmtpReply;
import io.postwarden.srs.codec.ForwardResult;
import io.postwarden.srs.codec.ReverseFailure;
import io.postwarden.srs.codec.ReverseResult;
import io.postwarden.srs.codec.SrsCodec;
import java.lang.System.Logger.Level;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The SRS decisions the milter ({@link SrsPolicy}) and the lookup tables (Postfix's canonical and access maps) take
 * alike, so both paths rewrite, reverse and refuse the same addresses with the same replies. Each rule counts and
 * logs what it refuses. Thread-safe.
 */
public final class SrsRules {

  private static final System.Logger LOG = System.getLogger("postwarden.srs");

  /** ADR 0011: our SRS addresses take only the null sender. */
  public static final SmtpReply NON_NULL_SENDER =
      new SmtpReply(550, "5.7.1", "SRS addresses here accept only bounces (null sender)");
  /** ADR 0012: the same reply for every SRS recipient of a client that guessed too often. */
  public static final SmtpReply THROTTLED =
      new SmtpReply(451, "4.7.1", "Too many invalid SRS recipients from your address; try again later");

  private final Supplier<SrsDomains> srsDomains;
  private final boolean nullSenderOnly;
  private final Supplier<SrsCodec> codec;
  private final Supplier<OurDomains> ourDomains;
  private final GuessThrottle throttle;
  private final SrsMetrics metrics;

  SrsRules(Supplier<SrsDomains> srsDomains, boolean nullSenderOnly, Supplier<SrsCodec> codec,
      Supplier<OurDomains> ourDomains, GuessThrottle throttle, SrsMetrics metrics) {
    this.srsDomains = srsDomains;
    this.nullSenderOnly = nullSenderOnly;
    this.codec = codec;
    this.ourDomains = ourDomains;
    this.throttle = throttle;
    this.metrics = metrics;
  }

  /** Our SRS domains as they are now (srs-domain-map-file may change). */
  public SrsDomains srsDomains() {
    return srsDomains.get();
  }

  /**
   * Why a sender keeps its address whatever the recipients: the null sender, our SRS domains (already rewritten),
   * our domains. Empty: rewrite it, if the message leaves.
   */
  public Optional<String> senderKeptBecause(String sender) {
    if (sender.isEmpty()) {
      return Optional.of("null sender");
    }
    String domain = OurDomains.domainOf(sender);
    if (srsDomains.get().names(domain) || ourDomains.get().contains(domain)) {
      return Optional.of("sender in our domains");
    }
    return Optional.empty();
  }

  /** Counts and logs a sender that stays as it is. */
  public void kept(String sender, String reason, String queueId) {
    metrics.forward(SrsMetrics.Forward.SKIPPED);
    LOG.log(Level.DEBUG, "queue_id=" + queueId + " srs keeps <" + sender + ">: " + reason);
  }

  /** The sender's SRS address at the main SRS domain, as {@link #forward(String, String, String)}. */
  public Optional<String> forward(String sender, String queueId) {
    return forward(sender, srsDomains.get().main(), queueId);
  }

  /**
   * The sender's SRS address at {@code srsDomain}; empty (counted, logged) when the codec cannot rewrite it and it
   * must go unchanged.
   */
  public Optional<String> forward(String sender, String srsDomain, String queueId) {
    ForwardResult result = codec.get().forward(sender, srsDomain);
    if (result instanceof ForwardResult.Refused refused) {
      metrics.forward(SrsMetrics.Forward.ERROR);
      LOG.log(Level.WARNING, "queue_id=" + queueId + " srs cannot rewrite <" + sender + ">, sending it unchanged: "
          + refused.message());
      return Optional.empty();
    }
    String rewritten = ((ForwardResult.Rewritten) result).address();
    metrics.forward(SrsMetrics.Forward.REWRITTEN);
    LOG.log(Level.INFO, "queue_id=" + queueId + " srs forward <" + sender + "> to <" + rewritten + ">");
    return Optional.of(rewritten);
  }

  /**
   * Reverses an address (read as Postfix delivers it) at one of our SRS domains or their subdomains: ours to verify or
   * refuse. Empty for any other address, SRS or not.
   */
  public Optional<ReverseResult> reverseIfOurs(String address) {
    if (!srsDomains.get().covers(OurDomains.domainOf(address))) {
      return Optional.empty();
    }
    ReverseResult result = codec.get().reverse(address);
    if (result instanceof ReverseResult.Rejected rejected && rejected.reason() == ReverseFailure.NOT_SRS) {
      return Optional.empty();
    }
    return Optional.of(result);
  }

  /** Counts and logs a bounce sent back to its original sender. */
  public void reversed(String recipient, String original, String queueId) {
    metrics.reversed();
    LOG.log(Level.INFO, "queue_id=" + queueId + " srs reverse <" + recipient + "> to <" + original + ">");
  }

  /** Counts a recipient at our SRS domain that does not reverse, where nothing refuses it at RCPT. */
  public void notReversed(ReverseResult.Rejected rejected) {
    metrics.reverseFailed(rejected.reason());
  }

  /**
   * The rule for the sender of mail to one of our SRS addresses (checked first: no hash oracle, ADR 0011).
   * {@code recipient} is for the log; "" where the caller does not know it (an access map keyed by the sender).
   */
  public Optional<SmtpReply> senderRule(String sender, String recipient) {
    if (nullSenderOnly && !sender.isEmpty()) {
      return Optional.of(refuse(SrsMetrics.Refusal.NON_NULL_SENDER, recipient, "sender <" + sender + "> is not null",
          NON_NULL_SENDER));
    }
    return Optional.empty();
  }

  /** The guessing throttle for this client (checked before the hash, ADR 0012); {@code recipient} as above. */
  public Optional<SmtpReply> throttleRule(ClientAddress client, String recipient) {
    if (throttle.lockedOut(client)) {
      return Optional.of(refuse(SrsMetrics.Refusal.THROTTLED, recipient, "client " + client
          + " sent too many invalid SRS recipients", THROTTLED));
    }
    return Optional.empty();
  }

  /**
   * The codec's verdict on one of our SRS addresses: an invalid one is refused and, when the client is known, counted
   * against it for the throttle.
   */
  public Optional<SmtpReply> hashRule(ReverseResult ours, Optional<ClientAddress> client, String recipient) {
    if (!(ours instanceof ReverseResult.Rejected rejected)) {
      return Optional.empty();
    }
    metrics.reverseFailed(rejected.reason());
    client.ifPresent(throttle::invalid);
    return Optional.of(refuse(SrsMetrics.Refusal.of(rejected.reason()), recipient, rejected.message(),
        new SmtpReply(550, "5.1.1", "Invalid SRS address: " + rejected.message())));
  }

  SmtpReply refuse(SrsMetrics.Refusal reason, String recipient, String why, SmtpReply reply) {
    metrics.refused(reason);
    LOG.log(Level.INFO, "refusing " + (recipient.isEmpty() ? "an SRS recipient" : "SRS recipient <" + recipient + ">")
        + " (" + reason.label() + "): " + why);
    return reply;
  }

  /** An address read as Postfix delivers it (comments, quotes, source route, trailing dots removed). */
  public static String asPostfixDelivers(String address) {
    return PostfixAddress.normalise(address);
  }
}
