package io.postwarden.audit.log;

import io.postwarden.audit.identity.ClientIdentity;
import io.postwarden.audit.process.PeerLookupResult;
import io.postwarden.audit.process.PeerProcess;
import io.postwarden.core.policy.Connection;
import io.postwarden.core.policy.Header;
import io.postwarden.core.policy.MailOrigin;
import io.postwarden.core.policy.Recipient;
import io.postwarden.core.policy.Transaction;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/** Builds the one JSON record per decision that the audit log keeps. */
public final class AuditRecords {

  /** RFC 5322 lines are at most 998 characters; a real Message-ID is far shorter. */
  static final int MESSAGE_ID_LIMIT = 998;

  static final int PHP_SCRIPTS_KEPT = 4;
  static final int PHP_SCRIPT_LIMIT = 512;

  private final Clock clock;

  public AuditRecords(Clock clock) {
    this.clock = clock;
  }

  /**
   * @param event "accept" or "refuse"
   * @param decision why (the guard's decision label), or null
   */
  public Json record(
      String event, String auditId, Transaction tx, ClientIdentity identity, String decision) {
    Connection connection = tx.connection();
    Json record =
        new Json()
            .string("time", clock.instant().toString())
            .string("event", event)
            .string("audit_id", auditId)
            .string("queue_id", tx.queueId().orElse(null))
            .string("message_id", messageId(tx))
            .string("origin", connection.origin() == MailOrigin.SMTPD ? "smtp" : "sendmail")
            .string("client", connection.client().toString())
            .string("client_name", connection.clientHostname())
            .string("helo", connection.helo())
            .string("sasl_user", tx.authenticatedUser().orElse(null))
            .string("sender", tx.sender())
            .strings("recipients", tx.recipients().stream().map(Recipient::address).toList())
            .bool("local", identity.kind().localSmtp())
            .string("client_kind", identity.kind().label())
            .string("decision", decision)
            .object("process", identity.peer().map(AuditRecords::process).orElse(null))
            .object(
                "submitter",
                identity
                    .submitter()
                    .map(
                        submitter ->
                            new Json()
                                .number("uid", submitter.uid())
                                .string("user", submitter.user())
                                .string("maildrop_file", submitter.maildropFile()))
                    .orElse(null));
    List<String> scripts = phpScripts(tx);
    return scripts.isEmpty() ? record : record.strings("php_script", scripts);
  }

  /**
   * The first Message-ID header, as {@code audit find} matches it: the client's text, so unfolded,
   * trimmed and cut at {@link #MESSAGE_ID_LIMIT} characters; null when there is none.
   */
  static String messageId(Transaction tx) {
    for (Header header : tx.headers()) {
      if (header.is("Message-ID")) {
        String value = header.value().replaceAll("[\\r\\n]+", "").trim();
        return value.length() > MESSAGE_ID_LIMIT ? value.substring(0, MESSAGE_ID_LIMIT) : value;
      }
    }
    return null;
  }

  /**
   * PHP's {@code X-PHP-Originating-Script: UID:script.php} headers (mail.add_x_header), which name
   * the script where the process lookup sees only the PHP-FPM pool. PHP writes its own first; a
   * script can add more of its own making, so all are kept, at most {@link #PHP_SCRIPTS_KEPT}, each
   * cut at {@link #PHP_SCRIPT_LIMIT} characters. The record has none when PHP did not say.
   */
  static List<String> phpScripts(Transaction tx) {
    List<String> scripts = new ArrayList<>();
    for (Header header : tx.headers()) {
      if (header.is("X-PHP-Originating-Script") && scripts.size() < PHP_SCRIPTS_KEPT) {
        String value = header.value().replaceAll("[\\r\\n]+", "").trim();
        scripts.add(
            value.length() > PHP_SCRIPT_LIMIT ? value.substring(0, PHP_SCRIPT_LIMIT) : value);
      }
    }
    return scripts;
  }

  private static Json process(PeerLookupResult result) {
    if (result instanceof PeerLookupResult.Found found) {
      PeerProcess process = found.process();
      Json json =
          new Json()
              .string("lookup", "found")
              .number("pid", process.pid())
              .number("uid", process.uid())
              .string("user", process.user())
              .string("executable", process.executable())
              .strings("command_line", process.commandLine())
              .bool("command_line_truncated", process.commandLineTruncated())
              .string("unit", process.unit())
              .string("cwd", process.workingDirectory());
      return process.workingDirectoryTruncated() ? json.bool("cwd_truncated", true) : json;
    }
    if (result instanceof PeerLookupResult.OwnerOnly owner) {
      return new Json()
          .string("lookup", "owner_only")
          .number("uid", owner.uid())
          .string("user", owner.user())
          .string("reason", owner.reason());
    }
    return new Json()
        .string("lookup", "not_found")
        .string("reason", ((PeerLookupResult.NotFound) result).reason());
  }
}
