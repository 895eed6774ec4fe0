package io.postwarden.audit.forensics;

import io.postwarden.core.json.JsonReader;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One audit log line, read back: the fields the searches ask about, and the whole record for
 * display.
 */
public final class AuditRecord {

  /**
   * Events that stand for a message (the others are operator actions: release, purge,
   * limits_reset).
   */
  private static final Set<String> MESSAGE_EVENTS = Set.of("accept", "hold", "refuse");

  private final String line;
  private final Map<String, Object> fields;
  private final Instant time;

  private AuditRecord(String line, Map<String, Object> fields, Instant time) {
    this.line = line;
    this.fields = fields;
    this.time = time;
  }

  /**
   * @throws IllegalArgumentException when the line is no JSON object, or has no valid "time"
   */
  public static AuditRecord parse(String line) {
    Map<String, Object> fields = JsonReader.object(line);
    if (!(fields.get("time") instanceof String time)) {
      throw new IllegalArgumentException("no \"time\"");
    }
    try {
      return new AuditRecord(line, fields, Instant.parse(time));
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("\"time\" is not an instant: " + time);
    }
  }

  /** The line as the log holds it. */
  public String line() {
    return line;
  }

  public Map<String, Object> fields() {
    return fields;
  }

  public Instant time() {
    return time;
  }

  public String event() {
    return text("event").orElse("");
  }

  public boolean isMessage() {
    return MESSAGE_EVENTS.contains(event());
  }

  public boolean refused() {
    return event().equals("refuse") || "would_refuse".equals(fields.get("decision"));
  }

  public Optional<String> auditId() {
    return text("audit_id");
  }

  public Optional<String> queueId() {
    return text("queue_id");
  }

  public Optional<String> messageId() {
    return text("message_id");
  }

  public Optional<String> saslUser() {
    return text("sasl_user");
  }

  public Optional<String> sender() {
    return text("sender");
  }

  public List<String> recipients() {
    return fields.get("recipients") instanceof List<?> list
        ? list.stream().filter(String.class::isInstance).map(String.class::cast).toList()
        : List.of();
  }

  /** The Unix user behind a local client or a sendmail(1) submission, when the lookup named one. */
  public Optional<String> unixUser() {
    return nested("submitter", "user").or(() -> nested("process", "user"));
  }

  /**
   * The local client process's working directory (for PHP, its script's directory), when it was
   * read.
   */
  public Optional<String> workingDirectory() {
    return nested("process", "cwd");
  }

  public Optional<Long> uid() {
    Optional<Object> uid = nestedValue("submitter", "uid").or(() -> nestedValue("process", "uid"));
    return uid.filter(Long.class::isInstance).map(Long.class::cast);
  }

  /**
   * Who to hold responsible, as the limits name senders: {@code sasl:USER}, {@code unix:USER},
   * {@code uid:N} (a uid without a name), else where it came from ({@code smtp:CLIENT} or {@code
   * sendmail}).
   */
  public String senderKey() {
    Optional<String> sasl = saslUser();
    if (sasl.isPresent()) {
      return "sasl:" + sasl.get();
    }
    Optional<String> user = unixUser();
    if (user.isPresent()) {
      return "unix:" + user.get();
    }
    Optional<Long> uid = uid();
    if (uid.isPresent()) {
      return "uid:" + uid.get();
    }
    return "sendmail".equals(fields.get("origin"))
        ? "sendmail"
        : "smtp:" + withoutPort(text("client").orElse("?"));
  }

  /**
   * "192.0.2.7:50000" and "[2001:db8::7]:50000" without the port, which changes with every
   * connection.
   */
  private static String withoutPort(String client) {
    int colon = client.lastIndexOf(':');
    boolean hasPort =
        colon > 0 && (client.charAt(colon - 1) == ']' || client.indexOf(':') == colon);
    return hasPort ? client.substring(0, colon) : client;
  }

  public Optional<String> text(String name) {
    return fields.get(name) instanceof String value ? Optional.of(value) : Optional.empty();
  }

  public Optional<String> nested(String object, String name) {
    return nestedValue(object, name).filter(String.class::isInstance).map(String.class::cast);
  }

  private Optional<Object> nestedValue(String object, String name) {
    return fields.get(object) instanceof Map<?, ?> map
        ? Optional.ofNullable(map.get(name))
        : Optional.empty();
  }
}
