package io.postwarden.srs.fromrepair;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.postwarden.core.policy.Connection;
import io.postwarden.core.policy.Decision;
import io.postwarden.core.policy.Header;
import io.postwarden.core.policy.Modification;
import io.postwarden.core.policy.Modification.AddHeader;
import io.postwarden.core.policy.Modification.Capability;
import io.postwarden.core.policy.Modification.ChangeHeader;
import io.postwarden.core.policy.Policy;
import io.postwarden.core.policy.Stage;
import io.postwarden.core.policy.Transaction;
import io.postwarden.srs.codec.SrsCodec;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * No message leaves with an SRS address in From:. A From: holding an SRS address that verifies with
 * our secrets (ours, or PostSRSd's when its secrets file is shared) is rewritten in place to the
 * address it encodes, display name kept; a message without From: gets one built from the original
 * envelope sender, or {@code undisclosed-sender:;} when that sender is an SRS address we cannot
 * verify. Any other From: is the sender's own DMARC identity and is never touched.
 */
public final class FromRepairPolicy implements Policy {

  private static final System.Logger LOG = System.getLogger("postwarden.fromrepair");

  /**
   * The added From: when the envelope sender is an SRS address our secrets cannot verify (ADR
   * 0011).
   */
  static final String UNDISCLOSED = "undisclosed-sender:;";

  private final Supplier<SrsCodec> codec;
  private final String nullSenderFrom;
  private final Counter added;
  private final Counter replaced;

  /**
   * @param nullSenderFrom address for From: when the envelope sender is null; empty for
   *     MAILER-DAEMON at Postfix's myhostname (macro {@code j})
   */
  public FromRepairPolicy(Supplier<SrsCodec> codec, String nullSenderFrom, MeterRegistry registry) {
    this.codec = codec;
    this.nullSenderFrom = nullSenderFrom;
    this.added = repairs(registry, "added");
    this.replaced = repairs(registry, "replaced");
  }

  private static Counter repairs(MeterRegistry registry, String action) {
    return Counter.builder("postwarden.from.repairs")
        .description("From: headers added or rewritten so no SRS address shows")
        .tag("action", action)
        .register(registry);
  }

  @Override
  public String name() {
    return "from-repair";
  }

  @Override
  public Set<Stage> stages() {
    return EnumSet.of(Stage.HEADERS, Stage.END_OF_MESSAGE);
  }

  /** Headers and the codec only: nothing here waits. */
  @Override
  public boolean mayBlock(Stage stage, Connection connection) {
    return false;
  }

  @Override
  public Set<Capability> capabilities() {
    return EnumSet.of(Capability.ADD_HEADERS, Capability.CHANGE_HEADERS);
  }

  @Override
  public Decision onEndOfMessage(Transaction tx) {
    SrsCodec current = codec.get();
    List<Modification> repairs = new ArrayList<>();
    int occurrence = 0;
    for (Header header : tx.headers()) {
      if (!header.is("From")) {
        continue;
      }
      occurrence++;
      String repaired = SrsInHeader.decoded(header.value(), current);
      if (!repaired.equals(header.value())) {
        repairs.add(
            new ChangeHeader("From", occurrence, SrsInHeader.withPostfixLineEnds(repaired)));
        record(tx, replaced, "replaced", header.value(), repaired);
      }
    }
    if (occurrence == 0) {
      String from = fromForMissingHeader(tx, current);
      repairs.add(new AddHeader("From", from));
      record(tx, added, "added", "-", from);
    }
    return repairs.isEmpty() ? Decision.CONTINUE : Decision.modify(repairs);
  }

  private String fromForMissingHeader(Transaction tx, SrsCodec current) {
    if (tx.sender().isEmpty()) {
      String host = tx.connection().macros().get("j").orElse("localhost");
      return "Mail Delivery System <"
          + (nullSenderFrom.isEmpty() ? "MAILER-DAEMON@" + host : nullSenderFrom)
          + ">";
    }
    String original = SrsInHeader.original(tx.sender(), current);
    // an SRS address left after decoding is one we cannot verify (forged, expired, another
    // forwarder's): what it
    // encodes is unvouched for, and the address itself must never show; the RFC 6854 empty group
    // names nobody
    return SrsInHeader.isSrs(original, current) ? UNDISCLOSED : "<" + original + ">";
  }

  private static void record(
      Transaction tx, Counter counter, String action, String before, String after) {
    counter.increment();
    LOG.log(
        Level.INFO,
        "queue_id="
            + tx.queueId().orElse("-")
            + " from-repair "
            + action
            + " From: "
            + SrsInHeader.unfolded(before)
            + " -> "
            + SrsInHeader.unfolded(after));
  }
}
