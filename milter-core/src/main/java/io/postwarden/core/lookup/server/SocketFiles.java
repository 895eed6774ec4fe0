package io.postwarden.core.lookup.server;

import io.netty.channel.unix.DomainSocketAddress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Unix socket files of the listeners, and how addresses are named in log lines. */
final class SocketFiles {

  private SocketFiles() {}

  static void deleteStale(String path) {
    try {
      Files.deleteIfExists(Path.of(path));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove old socket " + path, e);
    }
  }

  /** Postfix's processes run as another user; they must be able to connect. */
  static void openToAll(String path) throws IOException {
    Files.setPosixFilePermissions(Path.of(path), PosixFilePermissions.fromString("rw-rw-rw-"));
  }

  static String describe(SocketAddress address) {
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
