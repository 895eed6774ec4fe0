package io.postwarden.it.harness;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits for servers by watching {@code /proc/net/tcp} and {@code /proc/net/tcp6} for LISTEN
 * sockets.
 *
 * <p>Never probe smtpd with a TCP connect: Postfix would open a milter session for it (and log a
 * lost connection).
 */
public final class Readiness {

  private static final Path TCP4 = Path.of("/proc/net/tcp");
  private static final Path TCP6 = Path.of("/proc/net/tcp6");
  private static final String LISTEN = "0A";
  private static final long POLL_MILLIS = 20;

  private Readiness() {}

  /** All sockets in LISTEN state, as address:port. */
  public static Set<InetSocketAddress> listeners() {
    Set<InetSocketAddress> result = new HashSet<>();
    parse(TCP4, result);
    parse(TCP6, result);
    return result;
  }

  /**
   * Whether something listens on {@code address:port}, directly or through the wildcard address.
   */
  public static boolean isListening(InetSocketAddress target) {
    Set<InetSocketAddress> all = listeners();
    if (all.contains(target)) {
      return true;
    }
    for (InetSocketAddress l : all) {
      if (l.getPort() == target.getPort() && l.getAddress().isAnyLocalAddress()) {
        return true;
      }
    }
    return false;
  }

  /**
   * Waits until every target listens.
   *
   * @param failure polled too; when it returns non-null the wait ends at once with that message
   *     (e.g. a process died)
   */
  public static void awaitListening(
      Duration timeout, Supplier<String> failure, InetSocketAddress... targets) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      boolean all = true;
      for (InetSocketAddress t : targets) {
        if (!isListening(t)) {
          all = false;
          break;
        }
      }
      if (all) {
        return;
      }
      String problem = failure == null ? null : failure.get();
      if (problem != null) {
        throw new IllegalStateException(problem);
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "not listening after "
                + timeout
                + ": "
                + List.of(targets)
                + " (listening now: "
                + listeners()
                + ")");
      }
      sleep(POLL_MILLIS);
    }
  }

  /** Polls {@code condition} every 20 ms until true; returns false on timeout. */
  public static boolean poll(Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      sleep(POLL_MILLIS);
    }
    return true;
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static void parse(Path file, Set<InetSocketAddress> into) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (IOException e) {
      return; // no IPv6 in this kernel/sandbox, for example
    }
    for (String line : lines) {
      // "  0: 0100007F:0BB6 00000000:0000 0A ..."
      String[] f = line.trim().split("\\s+");
      if (f.length < 4 || !f[0].endsWith(":") || !LISTEN.equals(f[3])) {
        continue;
      }
      int colon = f[1].indexOf(':');
      if (colon < 0) {
        continue;
      }
      try {
        InetAddress addr = decodeAddress(f[1].substring(0, colon));
        int port = Integer.parseInt(f[1].substring(colon + 1), 16);
        into.add(new InetSocketAddress(addr, port));
      } catch (IllegalArgumentException | UnknownHostException e) {
        // skip a line we do not understand
      }
    }
  }

  /** The kernel prints each 32-bit word of the address in host (little-endian) byte order. */
  static InetAddress decodeAddress(String hex) throws UnknownHostException {
    if (hex.length() != 8 && hex.length() != 32) {
      throw new IllegalArgumentException("bad address " + hex);
    }
    byte[] bytes = new byte[hex.length() / 2];
    for (int word = 0; word < bytes.length / 4; word++) {
      for (int i = 0; i < 4; i++) {
        int hexPos = (word * 4 + (3 - i)) * 2;
        bytes[word * 4 + i] = (byte) Integer.parseInt(hex.substring(hexPos, hexPos + 2), 16);
      }
    }
    return InetAddress.getByAddress(bytes);
  }
}
