package io.postwarden.core.server;

import io.netty.channel.unix.DomainSocketAddress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalNotFoundException;

/**
 * Socket files of the listeners (milter and lookup tables), and how their addresses are named in
 * log lines.
 */
public final class SocketFiles {

  private SocketFiles() {}

  /** A socket file left by an earlier run, before binding again, or after closing. */
  public static void deleteStale(String path) {
    try {
      Files.deleteIfExists(Path.of(path));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove old socket " + path, e);
    }
  }

  /**
   * Gives the socket file its group and mode. Changing the group needs membership in it (or root);
   * a setgid directory of that group gives new sockets the group without either.
   */
  public static void grantAccess(Path socket, SocketAccess access) {
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

  public static String describe(SocketAddress address) {
    if (address instanceof InetSocketAddress inet) {
      return "inet:"
          + (inet.getAddress().getAddress().length == 16
              ? "[" + inet.getAddress().getHostAddress() + "]"
              : inet.getAddress().getHostAddress())
          + ":"
          + inet.getPort();
    }
    return "unix:" + ((DomainSocketAddress) address).path();
  }
}
