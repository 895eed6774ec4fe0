package io.postwarden.core.server;

import io.netty.channel.Channel;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.postwarden.core.policy.PeerCredentials;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalNotFoundException;

/**
 * What the kernel knows about unix-socket listeners: who may connect (the file), and who did
 * (SO_PEERCRED).
 */
final class UnixSocketFiles {

  private UnixSocketFiles() {}

  /**
   * Gives the socket file its group and mode. Changing the group needs membership in it (or root);
   * a setgid directory of that group gives new sockets the group without either.
   */
  static void grantAccess(Path socket, SocketAccess access) {
    PosixFileAttributeView view = Files.getFileAttributeView(socket, PosixFileAttributeView.class);
    try {
      if (!access.group().isEmpty()) {
        GroupPrincipal group =
            socket
                .getFileSystem()
                .getUserPrincipalLookupService()
                .lookupPrincipalByGroupName(access.group());
        if (!view.readAttributes().group().equals(group)) {
          view.setGroup(group);
        }
      }
      view.setPermissions(access.mode());
    } catch (UserPrincipalNotFoundException e) {
      throw new IllegalStateException(
          "milter-socket-group: there is no group \""
              + access.group()
              + "\" on this host (is Postfix installed?)",
          e);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot give "
              + socket
              + " group \""
              + access.group()
              + "\" and mode "
              + PosixFilePermissions.toString(access.mode())
              + " ("
              + e.getMessage()
              + "). Run as a member of that "
              + "group, or make the socket's directory setgid to it: install -d -o postwarden -g "
              + access.group()
              + " -m 2750 "
              + socket.getParent(),
          e);
    }
  }

  /**
   * The connecting process of a unix-socket connection; null for TCP, or if the kernel would not
   * tell.
   */
  static PeerCredentials peerCredentials(Channel channel) {
    if (!(channel instanceof EpollDomainSocketChannel unix)) {
      return null;
    }
    try {
      io.netty.channel.unix.PeerCredentials credentials = unix.peerCredentials();
      int[] groups = credentials.gids();
      return new PeerCredentials(
          credentials.pid(), credentials.uid(), groups.length > 0 ? groups[0] : -1);
    } catch (IOException e) {
      return null;
    }
  }
}
