package io.postwarden.srs.policy;

import io.postwarden.core.policy.ClientAddress;
import io.postwarden.core.policy.Decision;
import io.postwarden.core.policy.Modification;
import io.postwarden.core.policy.Modification.AddRecipient;
import io.postwarden.core.policy.Modification.Capability;
import io.postwarden.core.policy.Modification.ChangeSender;
import io.postwarden.core.policy.Modification.DeleteRecipient;
import io.postwarden.core.policy.Policy;
import io.postwarden.core.policy.Recipient;
import io.postwarden.core.policy.SessionAttributes;
import io.postwarden.core.policy.SmtpReply;
import io.postwarden.core.policy.Stage;
import io.postwarden.core.policy.Transaction;
import io.postwarden.srs.codec.ReverseResult;
import io.postwarden.srs.codec.SrsCodec;
import io.postwarden.srs.domains.OurDomains;
import io.postwarden.srs.lazy.LazySrs;
import io.postwarden.srs.longsender.LongSenders;
import io.postwarden.srs.longsender.SenderStoreUnavailableException;
import io.postwarden.srs.routing.RecipientRouting;
import io.postwarden.srs.routing.RecipientRouting.Route;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * SRS for this server. Bounces to our SRS addresses go back to the original sender (their recipient
 * is swapped at end of message); forged or expired ones at our SRS domain (or a subdomain) are
 * refused at RCPT, and so is any sender but the null sender unless configured otherwise; other
 * people's SRS addresses pass. Mail that leaves this server with a sender outside our domains gets
 * an SRS return path (CHGFROM, address only), at the SRS domain mapped for its first leaving
 * recipient's domain, else at the main one (ADR 0024); with lazy SRS not when the sender's SPF
 * already passes this server (ADR 0025). With {@code rewrite} off (Postfix's canonical maps rewrite
 * through the lookup tables) only the RCPT refusals remain. The rules themselves are {@link
 * SrsRules}, shared with the lookup tables.
 */
public final class SrsPolicy implements Policy {

  /**
   * What a decision needs besides the transaction.
   *
   * @param nullSenderOnly our SRS addresses accept only the null sender (bounces, RFC 3834
   *     auto-replies)
   * @param rewrite rewrite senders and swap bounce recipients here; off when Postfix's canonical
   *     maps do it
   */
  public record Settings(
      String srsDomain,
      boolean alwaysRewrite,
      boolean rewriteAuthenticated,
      boolean nullSenderOnly,
      boolean rewrite) {

    public Settings(
        String srsDomain,
        boolean alwaysRewrite,
        boolean rewriteAuthenticated,
        boolean nullSenderOnly) {
      this(srsDomain, alwaysRewrite, rewriteAuthenticated, nullSenderOnly, true);
    }
  }

  private final Settings settings;
  private final SrsRules rules;
  private final RecipientRouting routing;
  private final Optional<LazySrs> lazy;

  SrsPolicy(
      Settings settings,
      Supplier<SrsCodec> codec,
      Supplier<OurDomains> ourDomains,
      RecipientRouting routing,
      GuessThrottle throttle,
      SrsMetrics metrics) {
    this(
        settings,
        new SrsRules(
            () -> SrsDomains.of(settings.srsDomain()),
            settings.nullSenderOnly(),
            codec,
            ourDomains,
            throttle,
            metrics,
            LongSenders.skip()),
        routing,
        Optional.empty());
  }

  /**
   * @param lazy present when srs-lazy is on: it may let a sender whose SPF passes here keep its
   *     address
   */
  public SrsPolicy(
      Settings settings, SrsRules rules, RecipientRouting routing, Optional<LazySrs> lazy) {
    this.settings = settings;
    this.rules = rules;
    this.routing = routing;
    this.lazy = lazy;
  }

  @Override
  public String name() {
    return "srs";
  }

  @Override
  public Set<Stage> stages() {
    return settings.rewrite()
        ? EnumSet.of(Stage.RCPT, Stage.END_OF_MESSAGE)
        : EnumSet.of(Stage.RCPT);
  }

  @Override
  public Set<Capability> capabilities() {
    return settings.rewrite()
        ? EnumSet.of(
            Capability.CHANGE_SENDER, Capability.ADD_RECIPIENTS, Capability.DELETE_RECIPIENTS)
        : EnumSet.noneOf(Capability.class);
  }

  /**
   * Judges a recipient at our SRS domain (or a subdomain), read as Postfix will deliver it. Order
   * matters: the sender rule and the throttle answer before the hash is looked at, so neither reply
   * tells valid from forged.
   */
  @Override
  public Decision onRecipient(Transaction tx, Recipient recipient) {
    String address = PostfixAddress.normalise(recipient.address());
    Optional<String> postfixSees = tx.macros().get("rcpt_addr").map(PostfixAddress::normalise);
    Optional<ReverseResult> ours = reverseIfOurs(tx, address);
    if (postfixSees.isPresent()
        && !postfixSees.get().equalsIgnoreCase(address)
        && (ours.isPresent() || rules.reverseIfOurs(postfixSees.get()).isPresent())) {
      // our reading of the RCPT text is not Postfix's: judging either could judge the wrong address
      return Decision.tempfail(
          rules.refuse(
              SrsMetrics.Refusal.AMBIGUOUS,
              recipient.address(),
              "Postfix reads it as <" + postfixSees.get() + ">",
              new SmtpReply(
                  451, "4.3.0", "Cannot tell which SRS address this is; try again later")));
    }
    if (ours.isEmpty()) {
      return Decision.CONTINUE;
    }
    ClientAddress client = tx.connection().client();
    return rules
        .senderRule(tx.sender(), recipient.address())
        .or(() -> rules.throttleRule(client, recipient.address()))
        .or(() -> rules.hashRule(ours.get(), Optional.of(client), recipient.address()))
        .or(() -> rules.storeRule(ours.get(), Optional.of(client), recipient.address()))
        .map(reply -> reply.permanent() ? Decision.reject(reply) : Decision.tempfail(reply))
        .orElse(Decision.CONTINUE);
  }

  /**
   * Only where the long-sender store must be read or written (ADR 0023), or a recipient's route
   * must be asked of Postfix (a postmap run) at end of message. A route told from memory here is
   * kept for {@link #onEndOfMessage}, which then runs on the event loop and must not ask again.
   */
  @Override
  public boolean mayBlock(Stage stage, Transaction tx) {
    if (stage == Stage.RCPT) {
      return rules.mayAskSenderStore(
          tx.macros().get("rcpt_addr"), address -> reverseIfOurs(tx, address));
    }
    if (stage != Stage.END_OF_MESSAGE || !settings.rewrite()) {
      return false;
    }
    if (rules.needsSenderStore(
        tx.sender(), tx.recipients(), address -> reverseIfOurs(tx, address))) {
      return true;
    }
    if (settings.alwaysRewrite()) {
      return false;
    }
    List<Delivery> deliveries = deliveries(tx);
    Optional<Boolean> leaves = Optional.of(false);
    for (Delivery delivery : deliveries) {
      Optional<Route> route = routing.routeFromMemory(delivery.address());
      if (route.isEmpty() || route.get() == Route.LEAVES) {
        leaves = route.map(known -> true);
        break;
      }
    }
    leaves.ifPresent(
        known ->
            tx.connection()
                .attributes()
                .put(KnownRoute.class, new KnownRoute(tx, deliveries, known)));
    return leaves.isEmpty();
  }

  /**
   * {@code tx}'s deliveries, and whether a copy leaves this server, as told from memory by {@link
   * #mayBlock}.
   */
  private record KnownRoute(Transaction tx, List<Delivery> deliveries, boolean leaves) {}

  /** Taken out when read: the transaction it holds ends here. */
  private Optional<KnownRoute> takeKnownRoute(Transaction tx) {
    return tx.connection().attributes().remove(KnownRoute.class).filter(route -> route.tx() == tx);
  }

  /**
   * The valid SRS recipients of one transaction, reversed: a hash verified at RCPT is not verified
   * again at end of message. Only valid ones are kept (an invalid one is refused at RCPT), so the
   * memory grows with the recipients the transaction accepts.
   */
  private record Reversals(Transaction tx, Map<String, ReverseResult> valid) {}

  /** {@link SrsRules#reverseIfOurs}, answered from this transaction's memory where it can be. */
  private Optional<ReverseResult> reverseIfOurs(Transaction tx, String address) {
    SessionAttributes attributes = tx.connection().attributes();
    Optional<Reversals> reversals =
        attributes.get(Reversals.class).filter(memory -> memory.tx() == tx);
    ReverseResult known = reversals.map(memory -> memory.valid().get(address)).orElse(null);
    if (known != null) {
      return Optional.of(known);
    }
    Optional<ReverseResult> ours = rules.reverseIfOurs(address);
    if (ours.isPresent() && ours.get() instanceof ReverseResult.Reversed) {
      Reversals memory =
          reversals.orElseGet(
              () -> {
                Reversals fresh = new Reversals(tx, new ConcurrentHashMap<>());
                attributes.put(Reversals.class, fresh);
                return fresh;
              });
      memory.valid().put(address, ours.get());
    }
    return ours;
  }

  /**
   * A recipient as it will be delivered: a bounce to one of our SRS addresses goes to the address
   * inside.
   */
  private record Delivery(Recipient recipient, String normalised, Optional<String> reversed) {
    String address() {
      return reversed.orElse(recipient.address());
    }
  }

  /**
   * @throws SenderStoreUnavailableException when a bounce to a stored long sender cannot be
   *     resolved now
   */
  private List<Delivery> deliveries(Transaction tx) {
    List<Delivery> deliveries = new ArrayList<>(tx.recipients().size());
    for (Recipient recipient : tx.recipients()) {
      String address = PostfixAddress.normalise(recipient.address());
      Optional<String> back =
          reverseIfOurs(tx, address)
              .filter(ReverseResult.Reversed.class::isInstance)
              .map(reversed -> rules.original((ReverseResult.Reversed) reversed))
              .filter(ReverseResult.Reversed.class::isInstance)
              .map(reversed -> ((ReverseResult.Reversed) reversed).address());
      deliveries.add(new Delivery(recipient, address, back));
    }
    return deliveries;
  }

  @Override
  public Decision onEndOfMessage(Transaction tx) {
    if (!settings.rewrite()) {
      return Decision.CONTINUE;
    }
    List<Modification> modifications = new ArrayList<>();
    List<String> finalRecipients = new ArrayList<>();
    String queueId = tx.queueId().orElse("-");
    Optional<KnownRoute> known = takeKnownRoute(tx);
    List<Delivery> deliveries;
    try {
      deliveries = known.map(KnownRoute::deliveries).orElseGet(() -> deliveries(tx));
    } catch (SenderStoreUnavailableException e) {
      return Decision.tempfail(rules.storeUnavailable("", e));
    } finally {
      // the transaction ends here
      tx.connection().attributes().remove(Reversals.class);
    }
    for (Delivery delivery : deliveries) {
      String original = delivery.recipient().address();
      if (delivery.reversed().isPresent()) {
        // Postfix matches DELRCPT against the recipient as smtpd stored it: the RCPT text for most
        // forms, the
        // plain address for a source route. A form that matches nothing is ignored, so both are
        // sent.
        modifications.add(new DeleteRecipient(original));
        if (!delivery.normalised().equals(original)) {
          modifications.add(new DeleteRecipient(delivery.normalised()));
        }
        modifications.add(new AddRecipient(delivery.reversed().get()));
        rules.reversed(original, delivery.reversed().get(), queueId);
      }
      finalRecipients.add(delivery.address());
    }
    forward(tx, finalRecipients, known, queueId).ifPresent(modifications::add);
    return modifications.isEmpty() ? Decision.CONTINUE : Decision.modify(modifications);
  }

  private Optional<ChangeSender> forward(
      Transaction tx, List<String> recipients, Optional<KnownRoute> known, String queueId) {
    Optional<String> skip = reasonToKeep(tx, recipients, known);
    if (skip.isPresent()) {
      rules.kept(tx.sender(), skip.get(), queueId);
      return Optional.empty();
    }
    if (lazy.isPresent() && lazy.get().senderMayKeepItsAddress(tx.sender(), queueId)) {
      rules.kept(tx.sender(), "its SPF passes this server", queueId);
      return Optional.empty();
    }
    return rules
        .forward(tx.sender(), srsDomainFor(recipients), queueId, Level.DEBUG)
        .map(ChangeSender::new);
  }

  /**
   * The SRS domain mapped for the first recipient (in RCPT order) whose domain has one and whose
   * mail leaves this server; the main SRS domain when there is none. Postfix cannot split a
   * message, so one return path serves all.
   */
  private String srsDomainFor(List<String> recipients) {
    SrsDomains domains = rules.srsDomains();
    for (String recipient : recipients) {
      Optional<String> mapped = domains.forRecipient(PostfixAddress.normalise(recipient));
      if (mapped.isPresent()
          && (settings.alwaysRewrite() || routing.route(recipient) == Route.LEAVES)) {
        return mapped.get();
      }
    }
    return domains.main();
  }

  /**
   * Why the sender stays as it is, if it does: the shared sender rules, then what only the milter
   * sees.
   */
  private Optional<String> reasonToKeep(
      Transaction tx, List<String> recipients, Optional<KnownRoute> known) {
    Optional<String> kept = rules.senderKeptBecause(tx.sender());
    if (kept.isPresent()) {
      return kept;
    }
    if (tx.authenticatedUser().isPresent() && !settings.rewriteAuthenticated()) {
      return Optional.of("authenticated client");
    }
    if (!settings.alwaysRewrite() && !leaves(recipients, known)) {
      return Optional.of("delivered on this server only");
    }
    return Optional.empty();
  }

  private boolean leaves(List<String> recipients, Optional<KnownRoute> known) {
    return known.isPresent()
        ? known.get().leaves()
        : recipients.stream().anyMatch(r -> routing.route(r) == Route.LEAVES);
  }
}
