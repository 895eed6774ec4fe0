package io.postwarden.core.policy;

/**
 * Who connected to a unix-socket listener, as the kernel recorded it at connect (SO_PEERCRED): the
 * process that called connect() and its user and group then. Cannot be forged by the peer.
 */
public record PeerCredentials(long pid, int uid, int gid) {}
