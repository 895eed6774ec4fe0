package io.postwarden.srs.policy;

import io.postwarden.core.policy.Decision;
import io.postwarden.srs.codec.SrsCodec;
import io.postwarden.core.policy.Modification;
import io.postwarden.core.policy.Modification.AddRecipient;
import io.postwarden.core.policy.Modification.Capability;
import io.postwarden.core.policy.Modification.ChangeSender;
import io.postwarden.core.policy.Modification.DeleteRecipient;
import io.postwarden.core.policy.Policy;
import io.postwarden.core.policy.Recipient;
import io.postwarden.core.policy.SmtpReply;
import io.postwarden.core.policy.Stage;
import io.postwarden.core.policy.Transaction;
import io.postwarden.srs.codec.ForwardResult;
import io.postwarden.srs.codec.ReverseFailure;
import io.postwarden.srs.codec.ReverseResult;
import io.postwarden.srs.routing.RecipientRouting;
import io.postwarden.srs.routing.RecipientRouting.Route;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * SRS for this server. Bounces to our SRS addresses go back to the original sender (their recipient is swapped at
 * end of message); forged or expired ones at our SRS domain (or a subdomain) are refused at RCPT, and so is any
 * sender but the null sender unless configured otherwise; other people's SRS addresses pass.
 * Mail that leaves this server with a sender outside our domains gets an SRS return path (CHGFROM, address only).
 */
public final class SrsPolicy implements Policy {

  private static final System.Logger LOG = System.getLogger("postwarden.srs");

  /**
   * What a decision needs besides the transaction.
   *
   * @param nullSenderOnly our SRS addresses accept only the null sender (bounces, RFC 3834 auto-replies)
   */
  public record Settings(String srsDomain, boolean alwaysRewrite, boolean rewriteAuthenticated,
      boolean nullSenderOnly) {}

  private final Settings settings;
  private final Supplier<SrsCodec> codec;
  private final Supplier<OurDomains> ourDomains;
  private final RecipientRouting routing;
  private final GuessThrottle throttle;
  private final SrsMetrics metrics;

  SrsPolicy(Settings settings, Supplier<SrsCodec> codec, Supplier<OurDomains> ourDomains,
      RecipientRouting routing, GuessThrottle throttle, SrsMetrics metrics) {
    this.settings = settings;
    this.codec = codec;
    this.ourDomains = ourDomains;
    this.routing = routing;
    this.throttle = throttle;
    this.metrics = metrics;
  }

  @Override
  public String name() {
    return "srs";
  }

  @Override
  public Set<Stage> stages() {
    return EnumSet.of(Stage.RCPT, Stage.END_OF_MESSAGE);
  }

  @Override
  public Set<Capability> capabilities() {
    return EnumSet.of(Capability.CHANGE_SENDER, Capability.ADD_RECIPIENTS, Capability.DELETE_RECIPIENTS);
  }

  /**
   * Judges a recipient at our SRS domain (or a subdomain), read as Postfix will deliver it. Order matters: the
   * sender rule and the throttle answer before the hash is looked at, so neither reply tells valid from forged.
   */
  @Override
  public Decision onRecipient(Transaction tx, Recipient recipient) {
    String address = PostfixAddress.normalise(recipient.address());
    Optional<String> postfixSees = tx.macros().get("rcpt_addr").map(PostfixAddress::normalise);
    Optional<ReverseResult> ours = reverseIfOurs(address);
    if (postfixSees.isPresent() && !postfixSees.get().equalsIgnoreCase(address)
        && (ours.isPresent() || reverseIfOurs(postfixSees.get()).isPresent())) {
      // our reading of the RCPT text is not Postfix's: judging either could judge the wrong address
      return refuse(SrsMetrics.Refusal.AMBIGUOUS, recipient, "Postfix reads it as <" + postfixSees.get() + ">",
          Decision.tempfail(new SmtpReply(451, "4.3.0", "Cannot tell which SRS address this is; try again later")));
    }
    if (ours.isEmpty()) {
      return Decision.CONTINUE;
    }
    if (settings.nullSenderOnly() && !tx.sender().isEmpty()) {
      return refuse(SrsMetrics.Refusal.NON_NULL_SENDER, recipient, "sender <" + tx.sender() + "> is not null",
          Decision.reject(new SmtpReply(550, "5.7.1", "SRS addresses here accept only bounces (null sender)")));
    }
    if (throttle.lockedOut(tx.connection().client())) {
      return refuse(SrsMetrics.Refusal.THROTTLED, recipient, "client " + tx.connection().client()
          + " sent too many invalid SRS recipients", Decision.tempfail(
              new SmtpReply(451, "4.7.1", "Too many invalid SRS recipients from your address; try again later")));
    }
    if (ours.get() instanceof ReverseResult.Rejected rejected) {
      metrics.reverseFailed(rejected.reason());
      throttle.invalid(tx.connection().client());
      return refuse(SrsMetrics.Refusal.of(rejected.reason()), recipient, rejected.message(),
          Decision.reject(new SmtpReply(550, "5.1.1", "Invalid SRS address: " + rejected.message())));
    }
    return Decision.CONTINUE;
  }

  private Decision refuse(SrsMetrics.Refusal reason, Recipient recipient, String why, Decision decision) {
    metrics.refused(reason);
    LOG.log(Level.INFO, "refusing SRS recipient <" + recipient.address() + "> (" + reason.label() + "): " + why);
    return decision;
  }

  @Override
  public Decision onEndOfMessage(Transaction tx) {
    List<Modification> modifications = new ArrayList<>();
    List<String> finalRecipients = new ArrayList<>();
    for (Recipient recipient : tx.recipients()) {
      String address = PostfixAddress.normalise(recipient.address());
      Optional<ReverseResult> reversed = reverseIfOurs(address);
      if (reversed.isPresent() && reversed.get() instanceof ReverseResult.Reversed back) {
        // Postfix matches DELRCPT against the recipient as smtpd stored it: the RCPT text for most forms, the
        // plain address for a source route. A form that matches nothing is ignored, so both are sent.
        modifications.add(new DeleteRecipient(recipient.address()));
        if (!address.equals(recipient.address())) {
          modifications.add(new DeleteRecipient(address));
        }
        modifications.add(new AddRecipient(back.address()));
        finalRecipients.add(back.address());
        metrics.reversed();
        LOG.log(Level.INFO, "queue_id=" + tx.queueId().orElse("-") + " srs reverse <" + recipient.address()
            + "> to <" + back.address() + ">");
      } else {
        finalRecipients.add(recipient.address());
      }
    }
    forward(tx, finalRecipients).ifPresent(modifications::add);
    return modifications.isEmpty() ? Decision.CONTINUE : Decision.modify(modifications);
  }

  private Optional<ChangeSender> forward(Transaction tx, List<String> recipients) {
    Optional<String> skip = reasonToKeep(tx, recipients);
    if (skip.isPresent()) {
      metrics.forward(SrsMetrics.Forward.SKIPPED);
      LOG.log(Level.DEBUG, "queue_id=" + tx.queueId().orElse("-") + " srs keeps <" + tx.sender() + ">: "
          + skip.get());
      return Optional.empty();
    }
    ForwardResult result = codec.get().forward(tx.sender(), settings.srsDomain());
    if (result instanceof ForwardResult.Refused refused) {
      metrics.forward(SrsMetrics.Forward.ERROR);
      LOG.log(Level.WARNING, "queue_id=" + tx.queueId().orElse("-") + " srs cannot rewrite <" + tx.sender()
          + ">, sending it unchanged: " + refused.message());
      return Optional.empty();
    }
    String rewritten = ((ForwardResult.Rewritten) result).address();
    metrics.forward(SrsMetrics.Forward.REWRITTEN);
    LOG.log(Level.INFO, "queue_id=" + tx.queueId().orElse("-") + " srs forward <" + tx.sender() + "> to <"
        + rewritten + ">");
    return Optional.of(new ChangeSender(rewritten));
  }

  /** Why the sender stays as it is, if it does. */
  private Optional<String> reasonToKeep(Transaction tx, List<String> recipients) {
    String sender = tx.sender();
    if (sender.isEmpty()) {
      return Optional.of("null sender");
    }
    String domain = OurDomains.domainOf(sender);
    if (domain.equalsIgnoreCase(settings.srsDomain()) || ourDomains.get().contains(domain)) {
      return Optional.of("sender in our domains");
    }
    if (tx.authenticatedUser().isPresent() && !settings.rewriteAuthenticated()) {
      return Optional.of("authenticated client");
    }
    if (!settings.alwaysRewrite() && recipients.stream().noneMatch(r -> routing.route(r) == Route.LEAVES)) {
      return Optional.of("delivered on this server only");
    }
    return Optional.empty();
  }

  /**
   * Reverses an address at our SRS domain or one of its subdomains (ours to verify or refuse); empty for any other
   * address, SRS or not.
   */
  private Optional<ReverseResult> reverseIfOurs(String address) {
    if (!PostfixAddress.inDomain(OurDomains.domainOf(address), settings.srsDomain())) {
      return Optional.empty();
    }
    ReverseResult result = codec.get().reverse(address);
    if (result instanceof ReverseResult.Rejected rejected && rejected.reason() == ReverseFailure.NOT_SRS) {
      return Optional.empty();
    }
    return Optional.of(result);
  }
}
