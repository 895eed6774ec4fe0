package io.postwarden.limits;

import io.postwarden.audit.identity.ClientIdentifier;
import io.postwarden.audit.identity.ClientIdentity;
import io.postwarden.audit.log.HoldNote;
import io.postwarden.core.logging.RateLimitedLog;
import io.postwarden.core.policy.Connection;
import io.postwarden.core.policy.Decision;
import io.postwarden.core.policy.MailOrigin;
import io.postwarden.core.policy.Modification.AddHeader;
import io.postwarden.core.policy.Modification.Capability;
import io.postwarden.core.policy.Modification.Quarantine;
import io.postwarden.core.policy.Policy;
import io.postwarden.core.policy.Recipient;
import io.postwarden.core.policy.SmtpReply;
import io.postwarden.core.policy.Stage;
import io.postwarden.core.policy.Transaction;
import io.postwarden.limits.key.LimitKey;
import io.postwarden.limits.key.SenderKeys;
import io.postwarden.limits.rule.Action;
import io.postwarden.limits.rule.LimitRule;
import io.postwarden.limits.rule.Measure;
import io.postwarden.limits.rule.RuleTable;
import io.postwarden.limits.store.Charge;
import io.postwarden.limits.store.Counter;
import io.postwarden.limits.store.CounterStore;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Sending limits. Each message counts once against every key of its sender (SASL user or Unix user,
 * sender domain, server; a remote client by its address), each recipient once more. An SMTP client
 * over a {@code defer} limit gets 451 at MAIL FROM or RCPT TO, and nothing is counted; anything
 * else over a limit (a {@code hold} limit, any sendmail(1) mail, a key in its cool-down) is
 * counted, accepted and put in Postfix's hold queue at end of message, with the reason, for an
 * operator to release or delete.
 */
public final class LimitsPolicy implements Policy {

  /** Names the key and limit that held a message; read by {@code postwarden held}. */
  public static final String HOLD_HEADER = "X-Postwarden-Hold";

  /** The limit named for mail held because the shared store could not count it. */
  static final String STORE_UNAVAILABLE = "store-unavailable";

  private static final System.Logger LOG = System.getLogger("postwarden.limits");

  private final ClientIdentifier identifier;
  private final Supplier<RuleTable> rules;
  private final CounterStore store;
  private final LimitsMetrics metrics;
  private final RateLimitedLog log = RateLimitedLog.perMinute(LOG);

  public LimitsPolicy(
      ClientIdentifier identifier,
      Supplier<RuleTable> rules,
      CounterStore store,
      LimitsMetrics metrics) {
    this.identifier = identifier;
    this.rules = rules;
    this.store = store;
    this.metrics = metrics;
  }

  @Override
  public String name() {
    return "limits";
  }

  @Override
  public Set<Stage> stages() {
    return EnumSet.of(Stage.MAIL, Stage.RCPT, Stage.END_OF_MESSAGE);
  }

  /**
   * In memory the counting never waits; a Redis store does (its round trip stays off the event
   * loop). Naming the sender may wait too (a process lookup) unless the audit policy already did it
   * at CONNECT.
   */
  @Override
  public boolean mayBlock(Stage stage, Connection connection) {
    return !store.answersFromMemory()
        || connection.attributes().get(ClientIdentity.class).isEmpty();
  }

  @Override
  public Set<Capability> capabilities() {
    return EnumSet.of(Capability.QUARANTINE, Capability.ADD_HEADERS);
  }

  @Override
  public Decision onMail(Transaction tx) {
    TransactionLimits limits =
        new TransactionLimits(tx, SenderKeys.of(tx, identifier.of(tx.connection())), rules.get());
    tx.connection().attributes().put(TransactionLimits.class, limits);
    return charge(limits, Measure.MESSAGES);
  }

  @Override
  public Decision onRecipient(Transaction tx, Recipient recipient) {
    return charge(limits(tx), Measure.RECIPIENTS);
  }

  @Override
  public Decision onEndOfMessage(Transaction tx) {
    TransactionLimits limits = limits(tx);
    if (limits.hold == null) {
      return Decision.CONTINUE;
    }
    Hold hold = limits.hold;
    metrics.held(hold.key().kind());
    new HoldNote(hold.key().toString(), hold.limit()).attachTo(tx);
    log.log(
        Level.WARNING,
        "held",
        "held message queue_id="
            + tx.queueId().orElse("?")
            + " key="
            + hold.key()
            + " limit=\""
            + hold.limit()
            + "\"");
    return Decision.modify(
        new Quarantine(
            "Postwarden limit " + printable(hold.key().toString()) + ": " + hold.limit()),
        new AddHeader(HOLD_HEADER, printable(hold.key().toString()) + "; limit=" + hold.limit()));
  }

  /**
   * The transaction's limits, established at its MAIL FROM (the same object, never an earlier
   * transaction's).
   */
  private TransactionLimits limits(Transaction tx) {
    return tx.connection()
        .attributes()
        .get(TransactionLimits.class)
        .filter(limits -> limits.tx == tx)
        .orElseThrow(() -> new IllegalStateException("no MAIL FROM seen for this transaction"));
  }

  private Decision charge(TransactionLimits limits, Measure measure) {
    boolean smtp = limits.tx.connection().origin() == MailOrigin.SMTPD;
    List<Counter> counters = new ArrayList<>();
    for (LimitKey key : limits.keys) {
      for (LimitRule rule : limits.table.rulesFor(key)) {
        if (rule.measure() == measure) {
          counters.add(new Counter(key, rule, smtp && rule.action() == Action.DEFER));
        }
      }
    }
    Charge charge = store.charge(limits.keys, counters);
    if (charge instanceof Charge.Unavailable) {
      return unavailable(limits, smtp);
    }
    if (charge instanceof Charge.Refused refused) {
      Counter counter = refused.counter();
      metrics.hit(counter.key().kind(), Action.DEFER);
      log.log(
          Level.WARNING,
          "deferred",
          "deferred "
              + measure.label()
              + " of "
              + counter.key()
              + ": over \""
              + counter.rule()
              + "\"");
      return Decision.tempfail(
          new SmtpReply(
              451,
              "4.7.1",
              "Sending limit reached ("
                  + counter.key().kind().label()
                  + ": "
                  + counter.rule()
                  + "), try again later"));
    }
    Charge.Charged charged = (Charge.Charged) charge;
    if (limits.hold == null && !charged.withinLimits()) {
      limits.hold =
          charged.over().isEmpty()
              ? new Hold(charged.coolingDown().get(0), "cooldown")
              : new Hold(charged.over().get(0).key(), charged.over().get(0).rule().toString());
      metrics.hit(limits.hold.key().kind(), Action.HOLD);
    }
    return Decision.CONTINUE;
  }

  /**
   * The shared store could not count and the site chose to stop rather than count locally: an SMTP
   * client retries later; sendmail(1) mail, which nobody would retry, waits in the hold queue under
   * the sender's key.
   */
  private Decision unavailable(TransactionLimits limits, boolean smtp) {
    if (smtp) {
      return Decision.tempfail(
          new SmtpReply(451, "4.3.0", "Sending limits cannot be checked now, try again later"));
    }
    if (limits.hold == null) {
      limits.hold = new Hold(limits.keys.get(0), STORE_UNAVAILABLE);
    }
    return Decision.CONTINUE;
  }

  /**
   * Header and reason text stay one line of printable ASCII, whatever octets a sender's domain
   * holds.
   */
  private static String printable(String text) {
    StringBuilder out = new StringBuilder(text.length());
    text.chars().forEach(c -> out.append(c > 0x20 && c < 0x7f ? (char) c : '?'));
    return out.toString();
  }

  /** Which key and limit hold the transaction's message. */
  private record Hold(LimitKey key, String limit) {}

  /** The keys and rules of the current transaction, and whether its message is to be held. */
  private static final class TransactionLimits {
    final Transaction tx;
    final List<LimitKey> keys;
    final RuleTable table;
    Hold hold;

    TransactionLimits(Transaction tx, List<LimitKey> keys, RuleTable table) {
      this.tx = tx;
      this.keys = keys;
      this.table = table;
    }
  }
}
