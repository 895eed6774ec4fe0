package io.postwarden.audit.forensics;

import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Counts messages, recipients, refusals and holds per sender: by default the sender key ({@link
 * AuditRecord#senderKey()}), or any other grouping ({@link RecordGroups}).
 */
public final class TopSenders implements Consumer<AuditRecord> {

  private final Map<String, Tally> tallies = new HashMap<>();
  private final Function<AuditRecord, String> groupOf;

  public TopSenders() {
    this(AuditRecord::senderKey);
  }

  public TopSenders(Function<AuditRecord, String> groupOf) {
    this.groupOf = groupOf;
  }

  @Override
  public void accept(AuditRecord record) {
    if (record.isMessage()) {
      tallies.computeIfAbsent(groupOf.apply(record), Tally::new).add(record);
    }
  }

  /** The {@code limit} senders with the most messages (then most recipients, then by name). */
  public List<Tally> top(int limit) {
    return tallies.values().stream()
        .sorted(
            Comparator.comparingLong(Tally::messages)
                .reversed()
                .thenComparing(Comparator.comparingLong(Tally::recipients).reversed())
                .thenComparing(Tally::sender))
        .limit(limit)
        .toList();
  }

  /** One sender's counts over the records read. */
  public static final class Tally {

    private final String sender;
    private long messages;
    private long recipients;
    private long refused;
    private long held;
    private Instant last = Instant.MIN;

    Tally(String sender) {
      this.sender = sender;
    }

    private void add(AuditRecord record) {
      messages++;
      recipients += record.recipients().size();
      if (record.refused()) {
        refused++;
      }
      if (record.event().equals("hold")) {
        held++;
      }
      if (record.time().isAfter(last)) {
        last = record.time();
      }
    }

    public String sender() {
      return sender;
    }

    public long messages() {
      return messages;
    }

    public long recipients() {
      return recipients;
    }

    /** Refused by the guard, or that it would have refused (guard off). */
    public long refused() {
      return refused;
    }

    public long held() {
      return held;
    }

    public Instant last() {
      return last;
    }
  }
}
