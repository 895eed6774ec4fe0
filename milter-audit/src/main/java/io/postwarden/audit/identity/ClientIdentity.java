package io.postwarden.audit.identity;

import io.postwarden.audit.process.PeerLookupResult;
import io.postwarden.audit.process.Submitter;
import java.util.Optional;

/**
 * Who is at the other end of an SMTP session, established once at CONNECT.
 *
 * @param kind how the client reached Postfix; everything but a remote TCP peer is local
 * @param peer the process behind a local TCP client; empty for other clients or when lookups are
 *     off
 * @param submitter who submitted a sendmail(1) message (non-smtpd sessions), when it could be
 *     established
 */
public record ClientIdentity(
    ClientKind kind, Optional<PeerLookupResult> peer, Optional<Submitter> submitter) {

  /**
   * The Unix user behind a local client or a sendmail(1) submission, when a lookup established it.
   */
  public Optional<String> unixUser() {
    if (submitter.isPresent()) {
      return Optional.ofNullable(submitter.get().user());
    }
    return peer.flatMap(
        result -> {
          if (result instanceof PeerLookupResult.Found found) {
            return Optional.ofNullable(found.process().user());
          }
          if (result instanceof PeerLookupResult.OwnerOnly owner) {
            return Optional.ofNullable(owner.user());
          }
          return Optional.empty();
        });
  }
}
