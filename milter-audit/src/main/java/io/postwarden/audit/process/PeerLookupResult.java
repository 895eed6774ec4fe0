package io.postwarden.audit.process;

import java.util.Objects;

/** What a peer lookup established; each case says only what was observed. */
public sealed interface PeerLookupResult {

  /** The process holding the client's socket. */
  record Found(PeerProcess process) implements PeerLookupResult {
    public Found {
      Objects.requireNonNull(process, "process");
    }
  }

  /**
   * The client's socket exists and belongs to {@code uid}, but its process could not be named, for
   * example for lack of permission to read other users' processes.
   *
   * @param user the uid's name in the passwd file, or null if it has none
   */
  record OwnerOnly(int uid, String user, String reason) implements PeerLookupResult {
    public OwnerOnly {
      Objects.requireNonNull(reason, "reason");
    }
  }

  /** No live client socket matches: the client is gone, or it is not on this host. */
  record NotFound(String reason) implements PeerLookupResult {
    public NotFound {
      Objects.requireNonNull(reason, "reason");
    }
  }
}
