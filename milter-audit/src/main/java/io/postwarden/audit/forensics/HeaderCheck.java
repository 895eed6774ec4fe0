package io.postwarden.audit.forensics;

import io.postwarden.audit.tag.AuditHeader;
import io.postwarden.audit.tag.HeaderSignature;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * An {@code X-Postwarden-Audit} value from a report, checked: whether our key signed it, and
 * whether what it claims (SASL login, Unix user, uid, pid, how it came) is what the record with its
 * id says. A copied header with its user changed fails the first; with the key stolen or absent,
 * the record still tells.
 */
public final class HeaderCheck {

  private final Map<String, String> fields;

  private HeaderCheck(Map<String, String> fields) {
    this.fields = fields;
  }

  /**
   * Reads a value, folded or not, with or without the {@code X-Postwarden-Audit:} name in front.
   */
  public static HeaderCheck parse(String header) {
    String value = header.strip();
    String prefix = AuditHeader.NAME + ":";
    if (value.regionMatches(true, 0, prefix, 0, prefix.length())) {
      value = value.substring(prefix.length());
    }
    Map<String, String> fields = new LinkedHashMap<>();
    for (String field : value.replaceAll("[\\s]+", "").split(";")) {
      int equals = field.indexOf('=');
      if (equals > 0) {
        fields.putIfAbsent(
            field.substring(0, equals).toLowerCase(Locale.ROOT), field.substring(equals + 1));
      }
    }
    return new HeaderCheck(fields);
  }

  /** Whether text an operator gave is a header value rather than a bare id. */
  public static boolean looksLikeHeader(String text) {
    return text.contains("id=");
  }

  public Optional<String> id() {
    return Optional.ofNullable(fields.get("id"));
  }

  /**
   * What the header claims that the record contradicts, as "FIELD: header says X, the record Y";
   * empty if none.
   */
  public List<String> disagreements(AuditRecord record) {
    List<String> found = new ArrayList<>();
    compare(found, "sasl", record.saslUser());
    compare(found, "user", record.unixUser());
    compare(found, "uid", record.uid().map(Object::toString));
    compare(
        found,
        "pid",
        record.fields().get("process") instanceof Map<?, ?> process && process.get("pid") != null
            ? Optional.of(process.get("pid").toString())
            : Optional.empty());
    String via = fields.get("via");
    if (via != null) {
      boolean sendmail = "sendmail".equals(record.fields().get("origin"));
      if (via.equals("sendmail") != sendmail) {
        found.add(
            "via: header says "
                + RecordText.escape(via)
                + ", the record "
                + (sendmail ? "sendmail" : "smtp"));
      }
    }
    return found;
  }

  /** The verdict in words, for the operator. */
  public static String describe(HeaderSignature.Verdict verdict) {
    return switch (verdict) {
      case VALID -> "signature valid: this server wrote this header, unchanged";
      case INVALID ->
          "FORGED OR ALTERED: the signature was not made by this server's key for this text";
      case UNSIGNED -> "unsigned: written before signatures were on, or not by this server";
    };
  }

  /**
   * The header shows values as {@link AuditHeader} writes them: outside printable ASCII, and ';',
   * become '_'.
   */
  private void compare(List<String> found, String name, Optional<String> recorded) {
    String claimed = fields.get(name);
    if (claimed == null) {
      return;
    }
    String expected = recorded.map(HeaderCheck::asInHeader).orElse(null);
    boolean unnamed = expected == null && name.equals("user") && claimed.equals("unknown");
    if (!claimed.equals(expected) && !unnamed) {
      found.add(
          name
              + ": header says "
              + RecordText.escape(claimed)
              + ", the record "
              + (expected == null ? "has none" : RecordText.escape(expected)));
    }
  }

  private static String asInHeader(String value) {
    StringBuilder out = new StringBuilder(value.length());
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      out.append(c > 0x20 && c < 0x7f && c != ';' ? c : '_');
    }
    return out.toString();
  }
}
