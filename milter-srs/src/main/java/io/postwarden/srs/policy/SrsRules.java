package io.postwarden.srs.policy;

import io.postwarden.core.policy.ClientAddress;
import io.postwarden.core.policy.Recipient;
import io.postwarden.core.policy.SmtpReply;
import io.postwarden.srs.codec.ForwardResult;
import io.postwarden.srs.codec.ReverseFailure;
import io.postwarden.srs.codec.ReverseResult;
import io.postwarden.srs.codec.SrsCodec;
import io.postwarden.srs.domains.OurDomains;
import io.postwarden.srs.longsender.LongSenders;
import io.postwarden.srs.longsender.SenderStoreUnavailableException;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The SRS decisions the milter ({@link SrsPolicy}) and the lookup tables (Postfix's canonical and
 * access maps) take alike, so both paths rewrite, reverse and refuse the same addresses with the
 * same replies. Each rule counts and logs what it refuses. Thread-safe.
 */
public final class SrsRules {

  private static final System.Logger LOG = System.getLogger("postwarden.srs");

  /** ADR 0011: our SRS addresses take only the null sender. */
  public static final SmtpReply NON_NULL_SENDER =
      new SmtpReply(550, "5.7.1", "SRS addresses here accept only bounces (null sender)");

  /** ADR 0023: a bounce to a stored long sender while the store cannot answer; its MTA retries. */
  public static final SmtpReply STORE_UNAVAILABLE =
      new SmtpReply(451, "4.3.0", "Cannot look up this SRS address now; try again later");

  /** ADR 0012: the same reply for every SRS recipient of a client that guessed too often. */
  public static final SmtpReply THROTTLED =
      new SmtpReply(
          451, "4.7.1", "Too many invalid SRS recipients from your address; try again later");

  private final Supplier<SrsDomains> srsDomains;
  private final boolean nullSenderOnly;
  private final Supplier<SrsCodec> codec;
  private final Supplier<OurDomains> ourDomains;
  private final GuessThrottle throttle;
  private final SrsMetrics metrics;
  private final LongSenders longSenders;

  public SrsRules(
      Supplier<SrsDomains> srsDomains,
      boolean nullSenderOnly,
      Supplier<SrsCodec> codec,
      Supplier<OurDomains> ourDomains,
      GuessThrottle throttle,
      SrsMetrics metrics,
      LongSenders longSenders) {
    this.srsDomains = srsDomains;
    this.nullSenderOnly = nullSenderOnly;
    this.codec = codec;
    this.ourDomains = ourDomains;
    this.throttle = throttle;
    this.metrics = metrics;
    this.longSenders = longSenders;
  }

  /** Our SRS domains as they are now (srs-domain-map-file may change). */
  public SrsDomains srsDomains() {
    return srsDomains.get();
  }

  /**
   * Why a sender keeps its address whatever the recipients: the null sender, our SRS domains
   * (already rewritten), our domains. Empty: rewrite it, if the message leaves.
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

  /**
   * The sender's SRS address at the main SRS domain, as {@link #forward(String, String, String)}.
   */
  public Optional<String> forward(String sender, String queueId) {
    return forward(sender, srsDomains.get().main(), queueId);
  }

  /**
   * The sender's SRS address at {@code srsDomain} (a long sender's through the store); empty
   * (counted, logged) when it cannot be rewritten and must go unchanged.
   */
  public Optional<String> forward(String sender, String srsDomain, String queueId) {
    return forward(sender, srsDomain, queueId, Level.INFO);
  }

  /**
   * As {@link #forward(String, String, String)}, logging the rewrite at {@code rewriteLevel}: the
   * milter path's transaction line names the new sender already ({@code new_from}), so one line per
   * message says it there; the lookup tables have no other line.
   */
  Optional<String> forward(String sender, String srsDomain, String queueId, Level rewriteLevel) {
    SrsCodec current = codec.get();
    ForwardResult result = current.forward(sender, srsDomain);
    if (result instanceof ForwardResult.Refused tooLong) {
      result = longSenders.forward(current, sender, srsDomain, tooLong);
    }
    if (result instanceof ForwardResult.Refused refused) {
      metrics.forward(SrsMetrics.Forward.ERROR);
      LOG.log(
          Level.WARNING,
          "queue_id="
              + queueId
              + " srs cannot rewrite <"
              + sender
              + ">, sending it unchanged: "
              + refused.message());
      return Optional.empty();
    }
    String rewritten = ((ForwardResult.Rewritten) result).address();
    metrics.forward(SrsMetrics.Forward.REWRITTEN);
    LOG.log(
        rewriteLevel,
        "queue_id=" + queueId + " srs forward <" + sender + "> to <" + rewritten + ">");
    return Optional.of(rewritten);
  }

  /**
   * Reverses an address (read as Postfix delivers it) at one of our SRS domains or their
   * subdomains: ours to verify or refuse. Empty for any other address, SRS or not. A valid address
   * of a stored long sender reverses to its key here: {@link #storeRule} and {@link #original} look
   * it up.
   */
  public Optional<ReverseResult> reverseIfOurs(String address) {
    if (!srsDomains.get().covers(OurDomains.domainOf(address))) {
      return Optional.empty();
    }
    ReverseResult result = codec.get().reverse(address);
    if (result instanceof ReverseResult.Rejected rejected
        && rejected.reason() == ReverseFailure.NOT_SRS) {
      return Optional.empty();
    }
    return Optional.of(result);
  }

  /**
   * The original sender of a valid SRS address: a stored long sender's from the store (refused as
   * expired when the store no longer has it).
   *
   * @throws SenderStoreUnavailableException when the store cannot answer now: defer, the bounce is
   *     retried
   */
  public ReverseResult original(ReverseResult.Reversed reversed) {
    return longSenders.resolve(reversed);
  }

  /**
   * Whether end of message would have to ask the long-sender store (a database or network read or
   * write, never on the event loop): a bounce to a stored sender's SRS address, or a sender too
   * long for an SRS address of its own. Pure: the codec's answers only; {@code ours} is {@link
   * #reverseIfOurs}, or a memory of its answers.
   */
  public boolean needsSenderStore(
      String sender, List<Recipient> recipients, Function<String, Optional<ReverseResult>> ours) {
    if (!longSenders.keepsStore()) {
      return false;
    }
    for (Recipient recipient : recipients) {
      if (namesStoredSender(recipient.address(), ours)) {
        return true;
      }
    }
    if (senderKeptBecause(sender).isPresent()) {
      return false;
    }
    SrsCodec current = codec.get();
    return srsDomains.get().all().stream()
        .anyMatch(domain -> current.forward(sender, domain) instanceof ForwardResult.Refused);
  }

  /**
   * Whether judging this RCPT may read the long-sender store: a valid SRS address of a stored
   * sender, or a recipient not known yet (Postfix sent no {@code {rcpt_addr}}); {@code ours} as
   * above.
   */
  public boolean mayAskSenderStore(
      Optional<String> recipient, Function<String, Optional<ReverseResult>> ours) {
    return longSenders.keepsStore()
        && recipient.map(address -> namesStoredSender(address, ours)).orElse(true);
  }

  private static boolean namesStoredSender(
      String recipient, Function<String, Optional<ReverseResult>> ours) {
    Optional<ReverseResult> reversed = ours.apply(PostfixAddress.normalise(recipient));
    return reversed.isPresent()
        && reversed.get() instanceof ReverseResult.Reversed valid
        && LongSenders.isStoreKey(valid.address());
  }

  /** Counts and logs a bounce sent back to its original sender. */
  public void reversed(String recipient, String original, String queueId) {
    metrics.reversed();
    LOG.log(
        Level.INFO,
        "queue_id=" + queueId + " srs reverse <" + recipient + "> to <" + original + ">");
  }

  /**
   * Counts a recipient at our SRS domain that does not reverse, where nothing refuses it at RCPT.
   */
  public void notReversed(ReverseResult.Rejected rejected) {
    metrics.reverseFailed(rejected.reason());
  }

  /**
   * The rule for the sender of mail to one of our SRS addresses (checked first: no hash oracle, ADR
   * 0011). {@code recipient} is for the log; "" where the caller does not know it (an access map
   * keyed by the sender).
   */
  public Optional<SmtpReply> senderRule(String sender, String recipient) {
    if (nullSenderOnly && !sender.isEmpty()) {
      return Optional.of(
          refuse(
              SrsMetrics.Refusal.NON_NULL_SENDER,
              recipient,
              "sender <" + sender + "> is not null",
              NON_NULL_SENDER));
    }
    return Optional.empty();
  }

  /**
   * The guessing throttle for this client (checked before the hash, ADR 0012); {@code recipient} as
   * above.
   */
  public Optional<SmtpReply> throttleRule(ClientAddress client, String recipient) {
    if (throttle.lockedOut(client)) {
      return Optional.of(
          refuse(
              SrsMetrics.Refusal.THROTTLED,
              recipient,
              "client " + client + " sent too many invalid SRS recipients",
              THROTTLED));
    }
    return Optional.empty();
  }

  /**
   * The codec's verdict on one of our SRS addresses: an invalid one is refused and, when the client
   * is known, counted against it for the throttle.
   */
  public Optional<SmtpReply> hashRule(
      ReverseResult ours, Optional<ClientAddress> client, String recipient) {
    if (!(ours instanceof ReverseResult.Rejected rejected)) {
      return Optional.empty();
    }
    metrics.reverseFailed(rejected.reason());
    client.ifPresent(throttle::invalid);
    return Optional.of(
        refuse(
            SrsMetrics.Refusal.of(rejected.reason()),
            recipient,
            rejected.message(),
            new SmtpReply(550, "5.1.1", "Invalid SRS address: " + rejected.message())));
  }

  /**
   * After {@link #hashRule}: a valid address of a stored long sender is refused like an expired one
   * when the store does not have it (any more), and deferred when the store cannot answer. Only
   * signed keys get this far, so nobody can probe the store.
   */
  public Optional<SmtpReply> storeRule(
      ReverseResult ours, Optional<ClientAddress> client, String recipient) {
    if (!(ours instanceof ReverseResult.Reversed reversed)) {
      return Optional.empty();
    }
    try {
      return hashRule(original(reversed), client, recipient);
    } catch (SenderStoreUnavailableException e) {
      return Optional.of(storeUnavailable(recipient, e));
    }
  }

  /**
   * Counts and logs a bounce deferred because the long-sender store did not answer; the reply for
   * it.
   */
  public SmtpReply storeUnavailable(String recipient, SenderStoreUnavailableException e) {
    return refuse(
        SrsMetrics.Refusal.STORE_UNAVAILABLE, recipient, e.getMessage(), STORE_UNAVAILABLE);
  }

  SmtpReply refuse(SrsMetrics.Refusal reason, String recipient, String why, SmtpReply reply) {
    metrics.refused(reason);
    LOG.log(
        Level.INFO,
        "refusing "
            + (recipient.isEmpty() ? "an SRS recipient" : "SRS recipient <" + recipient + ">")
            + " ("
            + reason.label()
            + "): "
            + why);
    return reply;
  }

  /**
   * An address read as Postfix delivers it (comments, quotes, source route, trailing dots removed).
   */
  public static String asPostfixDelivers(String address) {
    return PostfixAddress.normalise(address);
  }
}
