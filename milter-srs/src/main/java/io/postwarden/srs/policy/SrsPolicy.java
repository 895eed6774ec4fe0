package io.postwarden.srs.policy;

import io.postwarden.core.policy.ClientAddress;
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
import io.postwarden.srs.codec.ReverseResult;
import io.postwarden.srs.longsender.LongSenders;
import io.postwarden.srs.longsender.SenderStoreUnavailableException;
import io.postwarden.srs.routing.RecipientRouting;
import io.postwarden.srs.routing.RecipientRouting.Route;
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
 * With {@code rewrite} off (Postfix's canonical maps rewrite through the lookup tables) only the RCPT refusals remain.
 * The rules themselves are {@link SrsRules}, shared with the lookup tables.
 */
public final class SrsPolicy implements Policy {

  /**
   * What a decision needs besides the transaction.
   *
   * @param nullSenderOnly our SRS addresses accept only the null sender (bounces, RFC 3834 auto-replies)
   * @param rewrite        rewrite senders and swap bounce recipients here; off when Postfix's canonical maps do it
   */
  public record Settings(String srsDomain, boolean alwaysRewrite, boolean rewriteAuthenticated,
      boolean nullSenderOnly, boolean rewrite) {

    public Settings(String srsDomain, boolean alwaysRewrite, boolean rewriteAuthenticated, boolean nullSenderOnly) {
      this(srsDomain, alwaysRewrite, rewriteAuthenticated, nullSenderOnly, true);
    }
  }

  private final Settings settings;
  private final SrsRules rules;
  private final RecipientRouting routing;

  SrsPolicy(Settings settings, Supplier<SrsCodec> codec, Supplier<OurDomains> ourDomains,
      RecipientRouting routing, GuessThrottle throttle, SrsMetrics metrics) {
    this(settings, new SrsRules(settings.srsDomain(), settings.nullSenderOnly(), codec, ourDomains, throttle,
        metrics, LongSenders.skip()), routing);
  }

  SrsPolicy(Settings settings, SrsRules rules, RecipientRouting routing) {
    this.settings = settings;
    this.rules = rules;
    this.routing = routing;
  }

  @Override
  public String name() {
    return "srs";
  }

  @Override
  public Set<Stage> stages() {
    return settings.rewrite() ? EnumSet.of(Stage.RCPT, Stage.END_OF_MESSAGE) : EnumSet.of(Stage.RCPT);
  }

  @Override
  public Set<Capability> capabilities() {
    return settings.rewrite()
        ? EnumSet.of(Capability.CHANGE_SENDER, Capability.ADD_RECIPIENTS, Capability.DELETE_RECIPIENTS)
        : EnumSet.noneOf(Capability.class);
  }

  /**
   * Judges a recipient at our SRS domain (or a subdomain), read as Postfix will deliver it. Order matters: the
   * sender rule and the throttle answer before the hash is looked at, so neither reply tells valid from forged.
   */
  @Override
  public Decision onRecipient(Transaction tx, Recipient recipient) {
    String address = PostfixAddress.normalise(recipient.address());
    Optional<String> postfixSees = tx.macros().get("rcpt_addr").map(PostfixAddress::normalise);
    Optional<ReverseResult> ours = rules.reverseIfOurs(address);
    if (postfixSees.isPresent() && !postfixSees.get().equalsIgnoreCase(address)
        && (ours.isPresent() || rules.reverseIfOurs(postfixSees.get()).isPresent())) {
      // our reading of the RCPT text is not Postfix's: judging either could judge the wrong address
      return Decision.tempfail(rules.refuse(SrsMetrics.Refusal.AMBIGUOUS, recipient.address(),
          "Postfix reads it as <" + postfixSees.get() + ">",
          new SmtpReply(451, "4.3.0", "Cannot tell which SRS address this is; try again later")));
    }
    if (ours.isEmpty()) {
      return Decision.CONTINUE;
    }
    ClientAddress client = tx.connection().client();
    return rules.senderRule(tx.sender(), recipient.address())
        .or(() -> rules.throttleRule(client, recipient.address()))
        .or(() -> rules.hashRule(ours.get(), Optional.of(client), recipient.address()))
        .or(() -> rules.storeRule(ours.get(), Optional.of(client), recipient.address()))
        .map(reply -> reply.permanent() ? Decision.reject(reply) : Decision.tempfail(reply))
        .orElse(Decision.CONTINUE);
  }

  @Override
  public Decision onEndOfMessage(Transaction tx) {
    if (!settings.rewrite()) {
      return Decision.CONTINUE;
    }
    List<Modification> modifications = new ArrayList<>();
    List<String> finalRecipients = new ArrayList<>();
    String queueId = tx.queueId().orElse("-");
    for (Recipient recipient : tx.recipients()) {
      String address = PostfixAddress.normalise(recipient.address());
      Optional<ReverseResult> reversed;
      try {
        reversed = rules.reverseIfOurs(address).map(ours -> ours instanceof ReverseResult.Reversed valid
            ? rules.original(valid) : ours);
      } catch (SenderStoreUnavailableException e) {
        return Decision.tempfail(rules.storeUnavailable(recipient.address(), e));
      }
      if (reversed.isPresent() && reversed.get() instanceof ReverseResult.Reversed back) {
        // Postfix matches DELRCPT against the recipient as smtpd stored it: the RCPT text for most forms, the
        // plain address for a source route. A form that matches nothing is ignored, so both are sent.
        modifications.add(new DeleteRecipient(recipient.address()));
        if (!address.equals(recipient.address())) {
          modifications.add(new DeleteRecipient(address));
        }
        modifications.add(new AddRecipient(back.address()));
        finalRecipients.add(back.address());
        rules.reversed(recipient.address(), back.address(), queueId);
      } else {
        finalRecipients.add(recipient.address());
      }
    }
    forward(tx, finalRecipients, queueId).ifPresent(modifications::add);
    return modifications.isEmpty() ? Decision.CONTINUE : Decision.modify(modifications);
  }

  private Optional<ChangeSender> forward(Transaction tx, List<String> recipients, String queueId) {
    Optional<String> skip = reasonToKeep(tx, recipients);
    if (skip.isPresent()) {
      rules.kept(tx.sender(), skip.get(), queueId);
      return Optional.empty();
    }
    return rules.forward(tx.sender(), queueId).map(ChangeSender::new);
  }

  /** Why the sender stays as it is, if it does: the shared sender rules, then what only the milter sees. */
  private Optional<String> reasonToKeep(Transaction tx, List<String> recipients) {
    Optional<String> kept = rules.senderKeptBecause(tx.sender());
    if (kept.isPresent()) {
      return kept;
    }
    if (tx.authenticatedUser().isPresent() && !settings.rewriteAuthenticated()) {
      return Optional.of("authenticated client");
    }
    if (!settings.alwaysRewrite() && recipients.stream().noneMatch(r -> routing.route(r) == Route.LEAVES)) {
      return Optional.of("delivered on this server only");
    }
    return Optional.empty();
  }
}
