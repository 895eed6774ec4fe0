package io.postwarden.audit.process;

import java.io.IOException;
import java.io.InputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds one TCP socket in the kernel's tables, /proc/net/tcp and /proc/net/tcp6, by its local and
 * remote endpoints: the fallback where netlink sock_diag is unavailable, and the reader of fake
 * procfs trees in tests.
 *
 * <p>The tables can hold thousands of lines. They are streamed through one buffer, and each line's
 * endpoint fields are compared as bytes with the endpoints encoded the way the kernel prints them,
 * so a line that does not match costs a few byte comparisons and no allocation. The scan stops at
 * the first match that a process still holds.
 */
final class TcpSocketTable implements SocketFinder {

  private static final int LOCAL_FIELD = 1;
  private static final int REMOTE_FIELD = 2;
  private static final int UID_FIELD = 7;
  private static final int INODE_FIELD = 9;
  private static final int BUFFER_SIZE =
      16 * 1024; // procfs hands out at most a page per read anyway
  private static final byte[] HEX_DIGITS = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);
  // The kernel prints each 32-bit word of an address as a number in host byte order.
  private static final boolean WORDS_REVERSED = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

  private final Path ipv4Table;
  private final Path ipv6Table;

  TcpSocketTable(Path procRoot) {
    this.ipv4Table = procRoot.resolve("net/tcp");
    this.ipv6Table = procRoot.resolve("net/tcp6");
  }

  /**
   * An IPv4 connection is in /proc/net/tcp if its socket is IPv4, and in /proc/net/tcp6, with
   * v4-mapped addresses, if it is a dual-stack IPv6 socket; both are searched.
   */
  @Override
  public Optional<ClientSocket> find(InetSocketAddress local, InetSocketAddress remote)
      throws IOException {
    ClientSocket orphan = null;
    if (local.getAddress() instanceof Inet4Address && remote.getAddress() instanceof Inet4Address) {
      ClientSocket entry = scan(ipv4Table, encode(local, false), encode(remote, false));
      if (entry != null && !entry.orphaned()) {
        return Optional.of(entry);
      }
      orphan = entry;
    }
    ClientSocket entry;
    try {
      entry = scan(ipv6Table, encode(local, true), encode(remote, true));
    } catch (NoSuchFileException kernelWithoutIpv6) {
      entry = null;
    }
    return Optional.ofNullable(entry != null ? entry : orphan);
  }

  /**
   * The endpoint as the kernel prints it, e.g. "0100007F:0019" for 127.0.0.1:25 on a little-endian
   * host.
   */
  private static byte[] encode(InetSocketAddress endpoint, boolean asIpv6) {
    byte[] address = ipv6Form(endpoint.getAddress(), asIpv6);
    byte[] text = new byte[address.length * 2 + 5];
    int at = 0;
    for (int word = 0; word < address.length; word += 4) {
      for (int i = 0; i < 4; i++) {
        int b = address[word + (WORDS_REVERSED ? 3 - i : i)];
        text[at++] = HEX_DIGITS[(b >> 4) & 0xF];
        text[at++] = HEX_DIGITS[b & 0xF];
      }
    }
    text[at++] = ':';
    for (int shift = 12; shift >= 0; shift -= 4) {
      text[at++] = HEX_DIGITS[(endpoint.getPort() >> shift) & 0xF];
    }
    return text;
  }

  private static byte[] ipv6Form(InetAddress address, boolean asIpv6) {
    byte[] raw = address.getAddress();
    if (!asIpv6 || raw.length == 16) {
      return raw;
    }
    byte[] mapped = new byte[16]; // ::ffff:a.b.c.d
    mapped[10] = (byte) 0xFF;
    mapped[11] = (byte) 0xFF;
    System.arraycopy(raw, 0, mapped, 12, 4);
    return mapped;
  }

  /**
   * The matching line's entry: the first one held by a process, else the last orphaned one, else
   * null.
   */
  private static ClientSocket scan(Path table, byte[] local, byte[] remote) throws IOException {
    ClientSocket orphan = null;
    try (InputStream in = Files.newInputStream(table)) {
      byte[] buffer = new byte[BUFFER_SIZE];
      int filled = 0;
      boolean headerSkipped = false;
      for (int read; (read = in.read(buffer, filled, buffer.length - filled)) > 0; ) {
        filled += read;
        int lineStart = 0;
        for (int newline;
            (newline = indexOfNewline(buffer, lineStart, filled)) >= 0;
            lineStart = newline + 1) {
          if (!headerSkipped) {
            headerSkipped = true;
            continue;
          }
          ClientSocket entry = match(buffer, lineStart, newline, local, remote);
          if (entry != null) {
            if (!entry.orphaned()) {
              return entry;
            }
            orphan = entry;
          }
        }
        filled -= lineStart;
        System.arraycopy(buffer, lineStart, buffer, 0, filled);
        if (filled == buffer.length) {
          throw new IOException(table + ": a line is longer than " + BUFFER_SIZE + " bytes");
        }
      }
    }
    return orphan;
  }

  private static int indexOfNewline(byte[] buffer, int from, int to) {
    for (int i = from; i < to; i++) {
      if (buffer[i] == '\n') {
        return i;
      }
    }
    return -1;
  }

  /** The line's entry if its endpoints are {@code local} and {@code remote}, else null. */
  private static ClientSocket match(byte[] line, int start, int end, byte[] local, byte[] remote) {
    int uid = -1;
    int field = 0;
    for (int at = start; ; field++) {
      while (at < end && line[at] == ' ') {
        at++;
      }
      if (at == end) {
        return null;
      }
      int fieldEnd = at;
      while (fieldEnd < end && line[fieldEnd] != ' ') {
        fieldEnd++;
      }
      switch (field) {
        case LOCAL_FIELD -> {
          if (!sameBytes(line, at, fieldEnd, local)) {
            return null;
          }
        }
        case REMOTE_FIELD -> {
          if (!sameBytes(line, at, fieldEnd, remote)) {
            return null;
          }
        }
        case UID_FIELD -> uid = (int) parseDecimal(line, at, fieldEnd);
        case INODE_FIELD -> {
          return new ClientSocket(uid, parseDecimal(line, at, fieldEnd));
        }
        default -> {}
      }
      at = fieldEnd;
    }
  }

  private static boolean sameBytes(byte[] line, int from, int to, byte[] expected) {
    if (to - from != expected.length) {
      return false;
    }
    for (int i = 0; i < expected.length; i++) {
      if (line[from + i] != expected[i]) {
        return false;
      }
    }
    return true;
  }

  private static long parseDecimal(byte[] line, int from, int to) {
    long value = 0;
    for (int i = from; i < to; i++) {
      value = value * 10 + (line[i] - '0');
    }
    return value;
  }
}
