package io.postwarden.audit.forensics;

import java.util.List;
import java.util.Map;

/**
 * A record for a terminal: one {@code name: value} line per field, nested objects indented. Every
 * value came from a client, a process or a message, so anything outside printable ASCII is shown
 * escaped ({@code \x1b}; U+202E as a backslash-u escape): no record can move the cursor, recolour
 * the terminal or reorder what the operator reads.
 */
public final class RecordText {

  private RecordText() {}

  public static String of(AuditRecord record) {
    StringBuilder out = new StringBuilder();
    object(out, record.fields(), "");
    return out.toString();
  }

  /**
   * One line per record for lists: time, then its {@link #description}; e.g. {@code
   * 2026-11-01T10:00:00Z accept unix:www-shop id=0123456789ABCDEF queue=4F2A1 shop@shop.example ->
   * a@far.example (+1)}.
   */
  public static String summary(AuditRecord record) {
    return record.time() + " " + description(record);
  }

  /**
   * A record in one line without its time, escaped: event, sender key, ids, envelope; an operator
   * action (release, purge) as its event and the record.
   */
  public static String description(AuditRecord record) {
    StringBuilder out = new StringBuilder(escape(record.event()));
    if (!record.isMessage()) {
      return out.append(' ').append(escape(record.line())).toString();
    }
    out.append(' ').append(escape(record.senderKey()));
    record.auditId().ifPresent(id -> out.append(" id=").append(escape(id)));
    record.queueId().ifPresent(id -> out.append(" queue=").append(escape(id)));
    out.append(' ')
        .append(
            record.sender().map(sender -> sender.isEmpty() ? "<>" : escape(sender)).orElse("?"));
    List<String> recipients = record.recipients();
    if (!recipients.isEmpty()) {
      out.append(" -> ").append(escape(recipients.get(0)));
      if (recipients.size() > 1) {
        out.append(" (+").append(recipients.size() - 1).append(')');
      }
    }
    return out.toString();
  }

  private static void object(StringBuilder out, Map<?, ?> fields, String indent) {
    fields.forEach(
        (name, value) -> {
          out.append(indent).append(escape(String.valueOf(name))).append(':');
          if (value instanceof Map<?, ?> nested) {
            out.append('\n');
            object(out, nested, indent + "  ");
          } else {
            out.append(' ').append(value(value)).append('\n');
          }
        });
  }

  private static String value(Object value) {
    if (value instanceof List<?> list) {
      StringBuilder out = new StringBuilder("[");
      for (int i = 0; i < list.size(); i++) {
        out.append(i == 0 ? "" : ", ").append(value(list.get(i)));
      }
      return out.append(']').toString();
    }
    if (value instanceof Map<?, ?> map) {
      return escape(map.toString());
    }
    return value == null ? "null" : escape(value.toString());
  }

  /**
   * Printable ASCII as is (a backslash doubled); anything else as {@code \xNN}, or backslash, u,
   * four hex digits.
   */
  public static String escape(String text) {
    StringBuilder out = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean plain = c >= 0x20 && c < 0x7f && c != '\\';
      if (plain && out == null) {
        continue;
      }
      if (out == null) {
        out = new StringBuilder(text.length() + 8).append(text, 0, i);
      }
      if (plain) {
        out.append(c);
      } else if (c == '\\') {
        out.append("\\\\");
      } else if (c <= 0xff) {
        out.append(String.format("\\x%02x", (int) c));
      } else {
        out.append(String.format("\\u%04x", (int) c));
      }
    }
    return out == null ? text : out.toString();
  }
}
