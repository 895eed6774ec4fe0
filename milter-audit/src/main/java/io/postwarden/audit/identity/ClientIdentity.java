package io.postwarden.audit.identity;

import io.postwarden.audit.process.PeerLookupResult;
import java.util.Optional;

/**
 * Who is at the other end of an SMTP session, established once at CONNECT.
 *
 * @param localTcp whether the client connected over TCP from this host (any loopback form or one of its addresses)
 * @param peer     the process behind a local TCP client; empty for other clients or when lookups are off
 */
public record ClientIdentity(boolean localTcp, Optional<PeerLookupResult> peer) {

  /** The Unix user behind a local client, when the lookup established it. */
  public Optional<String> unixUser() {
    return peer.flatMap(result -> {
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
