package io.postwarden.audit;

import io.postwarden.audit.forensics.SiteRoots;
import io.postwarden.audit.guard.Cidr;
import io.postwarden.audit.identity.CommandLineRedactor;
import io.postwarden.audit.journal.AuditJournal;
import io.postwarden.audit.tag.AuditHeader;
import io.postwarden.audit.tag.OurHeaders;
import io.postwarden.core.config.Config;
import io.postwarden.core.config.ConfigKey;
import io.postwarden.core.config.ConfigSchema;
import io.postwarden.core.policy.SmtpReply;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Settings of the local-submission guard and the audit trail. */
public final class AuditKeys {

  public static final ConfigKey<Boolean> GUARD =
      ConfigKey.bool(
          "guard",
          true,
          "Refuse unauthenticated SMTP from this host's own clients at MAIL FROM: TCP from loopback or the host's "
              + "addresses, and any client that is not a TCP peer (an smtpd on a unix socket). false: refuse nothing, "
              + "record would_refuse.");

  public static final ConfigKey<SmtpReply> GUARD_REPLY =
      ConfigKey.of(
              "guard-reply",
              new SmtpReply(530, "5.7.0", "Authentication required"),
              SmtpReply::parse,
              "The refusal, as CODE X.Y.Z text; a 5xx code.")
          .validatedBy(
              reply -> {
                if (!reply.permanent()) {
                  throw new IllegalArgumentException("must be a 5xx reply, got " + reply);
                }
              });

  public static final ConfigKey<Boolean> GUARD_ALLOW_ALL =
      ConfigKey.bool(
          "guard-allow-all",
          false,
          "Let every local client send without authenticating (the old postfix_relay_mynetworks behaviour). "
              + "Still tagged and logged.");

  public static final ConfigKey<List<String>> GUARD_ALLOW_NETWORKS =
      ConfigKey.list(
              "guard-allow-networks",
              List.of(),
              "Local client addresses that may send without authenticating, e.g. 127.0.0.5/32.")
          .validatedBy(networks -> networks.forEach(Cidr::parse));

  public static final ConfigKey<List<String>> GUARD_ALLOW_USERS =
      ConfigKey.list(
          "guard-allow-users",
          List.of(),
          "Unix users whose local processes may send without authenticating, e.g. a monitoring agent. Needs the "
              + "peer lookup.");

  public static final ConfigKey<Boolean> PEER_LOOKUP =
      ConfigKey.bool(
          "peer-lookup",
          true,
          "Find the process and Unix user behind each local TCP client (needs root, or CAP_SYS_PTRACE plus "
              + "CAP_DAC_READ_SEARCH; without them only the uid is known).");

  public static final ConfigKey<Boolean> REDACT_COMMAND_LINES =
      ConfigKey.bool(
          "redact-command-lines",
          true,
          "Hide secrets in the command lines of local clients before they are recorded (audit log, audit header, log "
              + "lines): --password x, --password=x, mysql -pX, --token, --api-key, --secret, PASSWORD=x, curl -u "
              + "user:x, user:x@ in URLs, Authorization: values become ***. Off: recorded as the process has them.");

  public static final ConfigKey<List<String>> REDACT_PATTERNS =
      ConfigKey.list(
              "redact-patterns",
              List.of(),
              "More secrets to hide in command lines, as Java regular expressions matched within each argument: the first "
                  + "capture group, or the whole match, becomes ***. Applied even with redact-command-lines off.")
          .validatedBy(patterns -> patterns.forEach(AuditKeys::pattern));

  public static final ConfigKey<AuditHeader.Detail> AUDIT_HEADER =
      ConfigKey.of(
          "audit-header",
          AuditHeader.Detail.MINIMAL,
          AuditKeys::detail,
          "minimal: X-Postwarden-Audit shows the audit id and the SASL or Unix user; full: also uid, pid, executable "
              + "and unit.");

  public static final ConfigKey<String> AUDIT_LOG =
      ConfigKey.string(
          "audit-log",
          "stdout",
          "Where the JSON audit records go: stdout, or a file (reopened when rotated, or on SIGHUP).");

  public static final ConfigKey<Path> AUDIT_KEY_FILE =
      ConfigKey.path(
          "audit-key-file",
          Path.of("/var/lib/postwarden/audit.key"),
          "Keys that sign X-Postwarden-Audit (its last field, sig=), one per line: the first signs, all verify. "
              + "Created with a random key if missing; private like secrets-file. `postwarden audit show` and `find` "
              + "use it to tell our headers from forged or altered ones.");

  public static final ConfigKey<Boolean> AUDIT_JOURNAL =
      ConfigKey.bool(
          "audit-journal",
          false,
          "Also copy each audit record to the systemd journal as a structured entry (POSTWARDEN_AUDIT_ID, "
              + "POSTWARDEN_UNIX_USER, POSTWARDEN_SASL_USER, ... and the whole record in POSTWARDEN_RECORD), "
              + "through journald's native socket. Never delays mail: a record the journal cannot take is "
              + "counted in postwarden_audit_journal_failed_total, and the audit log still has it.");

  public static final ConfigKey<Path> AUDIT_JOURNAL_SOCKET =
      ConfigKey.path(
              "audit-journal-socket",
              Path.of("/run/systemd/journal/socket"),
              "journald's native socket for audit-journal; /run/systemd/journal.NAMESPACE/socket sends the "
                  + "records to a journal namespace of their own (its own size and retention).")
          .validatedBy(AuditJournal::checkSocketPath);

  public static final ConfigKey<List<String>> AUDIT_SITE_ROOTS =
      ConfigKey.list(
              "audit-site-roots",
              List.of(
                  "/home/virtual/*", "/var/www/vhosts/*", "/home/*", "/var/www/*", "/srv/www/*"),
              "Where sites live, for `postwarden audit top --by site`: path patterns whose * segments name the site, "
                  + "tried in order against the sending process's working directory, then its Unix user's home "
                  + "directory. E.g. /home/*/domains/* names DirectAdmin's sites USER/DOMAIN.")
          .validatedBy(patterns -> patterns.forEach(SiteRoots::validate));

  public static final ConfigKey<Boolean> SMARTHOST_HEADER =
      ConfigKey.bool(
          "smarthost-header",
          false,
          "Tell the smart host who sent each message, in the header named by smarthost-header-name: the SASL login, or "
              + "the Unix user of a local client or sendmail(1). Copies arriving with a message are always deleted "
              + "when on.");

  public static final ConfigKey<String> SMARTHOST_HEADER_NAME =
      ConfigKey.string(
              "smarthost-header-name",
              "X-AuthUser",
              "The header the smart host identifies senders by (MailChannels: X-AuthUser).")
          .validatedBy(
              name -> {
                if (!name.matches("[\\x21-\\x39\\x3b-\\x7e]{1,64}")) {
                  throw new IllegalArgumentException("not a header name: \"" + name + "\"");
                }
                if (name.regionMatches(true, 0, OurHeaders.PREFIX, 0, OurHeaders.PREFIX.length())) {
                  throw new IllegalArgumentException(
                      OurHeaders.PREFIX + "… are Postwarden's own headers");
                }
              });

  public static final ConfigSchema SCHEMA =
      ConfigSchema.of(
          GUARD,
          GUARD_REPLY,
          GUARD_ALLOW_ALL,
          GUARD_ALLOW_NETWORKS,
          GUARD_ALLOW_USERS,
          PEER_LOOKUP,
          REDACT_COMMAND_LINES,
          REDACT_PATTERNS,
          AUDIT_HEADER,
          AUDIT_LOG,
          AUDIT_KEY_FILE,
          AUDIT_JOURNAL,
          AUDIT_JOURNAL_SOCKET,
          AUDIT_SITE_ROOTS,
          SMARTHOST_HEADER,
          SMARTHOST_HEADER_NAME);

  private AuditKeys() {}

  /** The command-line redaction the settings ask for. */
  public static CommandLineRedactor redactor(Config config) {
    return new CommandLineRedactor(
        config.get(REDACT_COMMAND_LINES),
        config.get(REDACT_PATTERNS).stream().map(AuditKeys::pattern).toList());
  }

  private static Pattern pattern(String regex) {
    try {
      return Pattern.compile(regex);
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException(
          "not a regular expression: \"" + regex + "\" (" + e.getDescription() + ")");
    }
  }

  private static AuditHeader.Detail detail(String value) {
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "minimal" -> AuditHeader.Detail.MINIMAL;
      case "full" -> AuditHeader.Detail.FULL;
      default ->
          throw new IllegalArgumentException("expected minimal or full, got \"" + value + "\"");
    };
  }
}
