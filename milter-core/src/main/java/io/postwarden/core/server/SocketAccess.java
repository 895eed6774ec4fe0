package io.postwarden.core.server;

import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/**
 * Who may connect to the unix-socket listeners: connecting needs write permission on the socket
 * file.
 *
 * @param group the socket file's group (Postfix's smtpd and cleanup run in group postfix); empty to
 *     keep the group the file was created with (the directory's, when it is setgid)
 * @param mode the socket file's permissions
 */
public record SocketAccess(String group, Set<PosixFilePermission> mode) {

  public SocketAccess {
    mode = Set.copyOf(mode);
  }
}
