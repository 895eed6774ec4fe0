package io.postwarden.audit.forensics;

import io.postwarden.audit.tag.AuditHeader;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What in a pasted message or abuse report can lead to our records: our audit headers, Postfix
 * queue ids in {@code Received:}, Message-IDs; failing those, the original's envelope sender, a
 * recipient and its time.
 */
public final class ReportKeys {

  /**
   * Postfix writes "(Postfix) with ESMTPSA id 4F2A1B3C" and, for pickup, "(Postfix, from userid 33)
   * id …".
   */
  private static final Pattern POSTFIX_QUEUE_ID =
      Pattern.compile("\\(Postfix[^)]*\\)(?:\\s+with\\s+\\S+)?\\s+id\\s+([0-9A-Za-z]{5,})\\b");

  private static final Pattern ADDRESS =
      Pattern.compile("<([^<>\\s]*)>|([^\\s<>,;\"]+@[^\\s<>,;\"]+)");

  /**
   * How far from a report's date the original's record may be: a day, for queues and clock skew.
   */
  static final Duration WINDOW = Duration.ofDays(1);

  private final List<String> auditHeaders = new ArrayList<>();
  private final Set<String> ids = new LinkedHashSet<>();
  private String sender;
  private String recipient;
  private Instant time;

  private ReportKeys() {}

  public static ReportKeys of(List<MessageParts.Block> blocks) {
    ReportKeys keys = new ReportKeys();
    for (MessageParts.Block block : blocks) {
      block.all(AuditHeader.NAME).forEach(keys.auditHeaders::add);
      for (String received : block.all("Received")) {
        Matcher id = POSTFIX_QUEUE_ID.matcher(received);
        while (id.find()) {
          keys.ids.add(id.group(1));
        }
      }
      block.all("Message-ID").forEach(keys.ids::add);
      keys.envelope(block);
    }
    keys.auditHeaders.forEach(header -> HeaderCheck.parse(header).id().ifPresent(keys.ids::add));
    return keys;
  }

  /**
   * The innermost message's sender, recipient and date win; a feedback report's Original-* fields
   * over all.
   */
  private void envelope(MessageParts.Block block) {
    Optional<String> reported = block.first("Original-Mail-From");
    if (reported.isPresent()) {
      sender = address(reported.get()).orElse(sender);
      recipient = block.first("Original-Rcpt-To").flatMap(ReportKeys::address).orElse(recipient);
      time = block.first("Arrival-Date").flatMap(ReportKeys::date).orElse(time);
      return;
    }
    if (block.first("Return-Path").isPresent() || block.first("From").isPresent()) {
      Optional<String> from =
          block.first("Return-Path").or(() -> block.first("From")).flatMap(ReportKeys::address);
      sender = from.orElse(sender);
      recipient = block.first("To").flatMap(ReportKeys::address).orElse(recipient);
      time = block.first("Date").flatMap(ReportKeys::date).orElse(time);
    }
  }

  public List<String> auditHeaders() {
    return auditHeaders;
  }

  /** Audit ids, queue ids and Message-IDs, as found. */
  public Set<String> ids() {
    return ids;
  }

  /**
   * The original's sender, a recipient and the day around its date; empty unless all three are
   * known.
   */
  public Optional<RecordQuery> envelopeQuery() {
    if (sender == null || recipient == null || time == null) {
      return Optional.empty();
    }
    return Optional.of(
        new RecordQuery()
            .sender(sender)
            .recipient(recipient)
            .since(time.minus(WINDOW))
            .until(time.plus(WINDOW)));
  }

  /** The envelope the fallback looks for, for the operator. */
  public String envelope() {
    return "sender " + sender + ", recipient " + recipient + ", around " + time;
  }

  private static Optional<String> address(String text) {
    Matcher match = ADDRESS.matcher(text);
    return match.find()
        ? Optional.of(match.group(1) != null ? match.group(1) : match.group(2))
        : Optional.empty();
  }

  private static Optional<Instant> date(String text) {
    try {
      return Optional.of(
          ZonedDateTime.parse(
                  text.replaceAll("\\s*\\([^)]*\\)\\s*$", "").trim(),
                  DateTimeFormatter.RFC_1123_DATE_TIME)
              .toInstant());
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
