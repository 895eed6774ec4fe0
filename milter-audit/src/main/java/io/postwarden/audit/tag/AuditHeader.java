package io.postwarden.audit.tag;

import io.postwarden.audit.identity.ClientIdentity;
import io.postwarden.audit.process.PeerLookupResult;
import io.postwarden.audit.process.PeerProcess;
import io.postwarden.core.policy.MailOrigin;
import io.postwarden.core.policy.Transaction;
import java.util.Optional;

/**
 * The value of {@code X-Postwarden-Audit}. Minimal (the default) shows only what is safe to show
 * recipients: the audit id and the SASL or Unix user; full adds uid, pid, executable and unit. The
 * audit log holds everything under the same id. Signed (the default in the daemon), the last field
 * is {@code sig=}: see {@link HeaderSignature}.
 */
public final class AuditHeader {

  public static final String NAME = OurHeaders.PREFIX + "Audit";

  public enum Detail {
    MINIMAL,
    FULL
  }

  private final Detail detail;
  private final Optional<HeaderSignature> signature;

  /** Unsigned, as before signatures. */
  public AuditHeader(Detail detail) {
    this(detail, Optional.empty());
  }

  /**
   * @param signature signs each value (its last field, {@code sig=}) so a report's copy can be
   *     verified
   */
  public AuditHeader(Detail detail, Optional<HeaderSignature> signature) {
    this.detail = detail;
    this.signature = signature;
  }

  public String value(String auditId, Transaction tx, ClientIdentity identity) {
    StringBuilder value = new StringBuilder("id=").append(auditId);
    if (tx.authenticatedUser().isPresent()) {
      field(value, "sasl", tx.authenticatedUser().get());
    } else if (tx.connection().origin() == MailOrigin.NON_SMTPD) {
      field(value, "via", "sendmail");
      identity.unixUser().ifPresent(user -> field(value, "user", user));
    } else if (identity.kind().localSmtp()) {
      field(value, "user", identity.unixUser().orElse("unknown"));
    } else {
      field(value, "via", "smtp");
    }
    if (detail == Detail.FULL && identity.submitter().isPresent()) {
      field(value, "uid", Integer.toString(identity.submitter().get().uid()));
    }
    if (detail == Detail.FULL && identity.peer().isPresent()) {
      PeerLookupResult peer = identity.peer().get();
      if (peer instanceof PeerLookupResult.Found found) {
        PeerProcess process = found.process();
        field(value, "uid", Integer.toString(process.uid()));
        field(value, "pid", Long.toString(process.pid()));
        field(value, "exe", process.executable());
        field(value, "unit", process.unit());
      } else if (peer instanceof PeerLookupResult.OwnerOnly owner) {
        field(value, "uid", Integer.toString(owner.uid()));
      }
    }
    return signature.isPresent() ? signature.get().signed(value.toString()) : value.toString();
  }

  private static void field(StringBuilder value, String name, String text) {
    printable(value.append("; ").append(name).append('='), text);
  }

  /**
   * Values come from users and /proc: anything outside plain printable ASCII, or ';', becomes '_'.
   */
  static StringBuilder printable(StringBuilder value, String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      value.append(c > 0x20 && c < 0x7f && c != ';' ? c : '_');
    }
    return value;
  }
}
