package io.postwarden.core.server;

import io.netty.channel.unix.DomainSocketAddress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;

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
