package io.postwarden.audit.forensics;

import io.postwarden.audit.log.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * What an operator looks for in the audit log; every criterion given must hold. Each criterion also
 * names text the raw line must contain, so the lines that cannot match are skipped without being
 * parsed (most of a month's log).
 */
public final class RecordQuery {

  private Instant since = Instant.MIN;
  private Instant until = Instant.MAX;
  private final List<Predicate<AuditRecord>> conditions = new ArrayList<>();
  private final List<Predicate<String>> lineTests = new ArrayList<>();

  /** Records at or after {@code since}. */
  public RecordQuery since(Instant since) {
    this.since = since;
    return this;
  }

  /** Records before {@code until}. */
  public RecordQuery until(Instant until) {
    this.until = until;
    return this;
  }

  public Instant since() {
    return since;
  }

  public Instant until() {
    return until;
  }

  public RecordQuery auditId(String id) {
    return field("audit_id", id, record -> record.auditId().filter(id::equals).isPresent());
  }

  public RecordQuery queueId(String id) {
    return field("queue_id", id, record -> record.queueId().filter(id::equals).isPresent());
  }

  /** Either id: what an operator copies from a header or from Postfix's log. */
  public RecordQuery auditOrQueueId(String id) {
    String audit = encoded("audit_id", id);
    String queue = encoded("queue_id", id);
    lineTests.add(line -> line.contains(audit) || line.contains(queue));
    conditions.add(
        record ->
            record.auditId().filter(id::equals).isPresent()
                || record.queueId().filter(id::equals).isPresent());
    return this;
  }

  /**
   * Any of {@code ids} as audit id, queue id or Message-ID: what {@code audit find} gathers from a
   * report.
   */
  public RecordQuery anyId(Collection<String> ids) {
    List<String> needles =
        ids.stream()
            .flatMap(
                id ->
                    Stream.of(
                        encoded("audit_id", id),
                        encoded("queue_id", id),
                        encoded("message_id", id)))
            .toList();
    lineTests.add(line -> needles.stream().anyMatch(line::contains));
    conditions.add(
        record ->
            Stream.of(record.auditId(), record.queueId(), record.messageId())
                .anyMatch(id -> id.filter(ids::contains).isPresent()));
    return this;
  }

  public RecordQuery messageId(String id) {
    return field("message_id", id, record -> record.messageId().filter(id::equals).isPresent());
  }

  /** The SASL login. */
  public RecordQuery sasl(String user) {
    return field("sasl_user", user, record -> record.saslUser().filter(user::equals).isPresent());
  }

  /** The Unix user of the local client or the sendmail(1) submitter. */
  public RecordQuery user(String user) {
    return field("user", user, record -> record.unixUser().filter(user::equals).isPresent());
  }

  /**
   * The local client process worked in {@code directory} or below it: {@code /home/www-shop} finds
   * {@code /home/www-shop/public_html}, not {@code /home/www-shop2}.
   */
  public RecordQuery workingDirectory(String directory) {
    String base = directory.length() > 1 ? directory.replaceAll("/+$", "") : directory;
    String opened = encoded("cwd", base);
    String needle = opened.substring(0, opened.length() - 1); // without the closing quote
    lineTests.add(line -> line.contains(needle));
    conditions.add(
        record -> record.workingDirectory().filter(cwd -> isAtOrBelow(cwd, base)).isPresent());
    return this;
  }

  private static boolean isAtOrBelow(String path, String directory) {
    return path.equals(directory)
        || path.startsWith(directory.endsWith("/") ? directory : directory + "/");
  }

  public RecordQuery uid(long uid) {
    String needle = "\"uid\":" + uid;
    lineTests.add(line -> containsNumber(line, needle));
    conditions.add(record -> record.uid().filter(found -> found == uid).isPresent());
    return this;
  }

  /** The envelope sender; addresses compare without regard to case. */
  public RecordQuery sender(String address) {
    String needle = encoded("sender", address);
    lineTests.add(line -> containsIgnoringCase(line, needle));
    conditions.add(record -> record.sender().filter(address::equalsIgnoreCase).isPresent());
    return this;
  }

  public RecordQuery recipient(String address) {
    String needle = quoted(address);
    lineTests.add(line -> containsIgnoringCase(line, needle));
    conditions.add(record -> record.recipients().stream().anyMatch(address::equalsIgnoreCase));
    return this;
  }

  /** Whether the raw line can match at all (cheap, before parsing). */
  public boolean mightMatch(String line) {
    for (Predicate<String> test : lineTests) {
      if (!test.test(line)) {
        return false;
      }
    }
    return true;
  }

  public boolean matches(AuditRecord record) {
    if (record.time().isBefore(since) || !record.time().isBefore(until)) {
      return false;
    }
    for (Predicate<AuditRecord> condition : conditions) {
      if (!condition.test(record)) {
        return false;
      }
    }
    return true;
  }

  private RecordQuery field(String name, String value, Predicate<AuditRecord> condition) {
    String needle = encoded(name, value);
    lineTests.add(line -> line.contains(needle));
    conditions.add(condition);
    return this;
  }

  /** {@code "name":"value"} exactly as the audit log writes it (same escapes). */
  private static String encoded(String name, String value) {
    String object = new Json().string(name, value).toString();
    return object.substring(1, object.length() - 1);
  }

  /** {@code "value"} as the audit log writes it. */
  private static String quoted(String value) {
    return encoded("x", value).substring("\"x\":".length());
  }

  private static boolean containsNumber(String line, String needle) {
    for (int at = line.indexOf(needle); at >= 0; at = line.indexOf(needle, at + 1)) {
      int end = at + needle.length();
      if (end == line.length() || line.charAt(end) == ',' || line.charAt(end) == '}') {
        return true;
      }
    }
    return false;
  }

  /**
   * The needles start with a quote, which is not a letter: indexOf finds the candidates,
   * regionMatches decides.
   */
  private static boolean containsIgnoringCase(String line, String needle) {
    char first = needle.charAt(0);
    for (int at = line.indexOf(first); at >= 0; at = line.indexOf(first, at + 1)) {
      if (line.regionMatches(true, at, needle, 0, needle.length())) {
        return true;
      }
    }
    return false;
  }
}
