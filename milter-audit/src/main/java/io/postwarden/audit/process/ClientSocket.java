package io.postwarden.audit.process;

/**
 * A TCP socket as the kernel reports it: its owner (the uid that created it) and its inode. Inode 0
 * means the socket is orphaned: its process has closed it and only the kernel keeps it (FIN_WAIT,
 * TIME_WAIT).
 */
record ClientSocket(int uid, long inode) {

  boolean orphaned() {
    return inode == 0;
  }
}
