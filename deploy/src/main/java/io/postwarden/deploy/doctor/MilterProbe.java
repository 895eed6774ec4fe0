package io.postwarden.deploy.doctor;

import java.io.IOException;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/**
 * Talks to a milter as Postfix does at the start of a session: option negotiation (SMFIC_OPTNEG,
 * version 6, every action and protocol step offered, as Postfix 3.7 offers them), then SMFIC_QUIT.
 * TCP and Unix sockets alike, within one deadline.
 */
final class MilterProbe {

  static final int VERSION = 6;
  static final int ACTIONS = 0x1FF;
  static final int PROTOCOL = 0x1FFFFF;
  private static final int LARGEST_REPLY = 1 << 16;

  /** The milter's answer to our offer. */
  record Negotiated(int version, int actions, int protocol) {}

  /** The peer answered, but not with a milter option-negotiation reply. */
  static final class NotAMilter extends IOException {
    NotAMilter(String message) {
      super(message);
    }
  }

  private MilterProbe() {}

  static Negotiated negotiate(SocketAddress address, Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    StandardProtocolFamily family =
        address instanceof UnixDomainSocketAddress
            ? StandardProtocolFamily.UNIX
            : ((java.net.InetSocketAddress) address).getAddress() instanceof java.net.Inet6Address
                ? StandardProtocolFamily.INET6
                : StandardProtocolFamily.INET;
    try (SocketChannel channel = SocketChannel.open(family);
        Selector selector = Selector.open()) {
      channel.configureBlocking(false);
      SelectionKey key = channel.register(selector, 0);
      if (!channel.connect(address)) {
        do {
          await(key, SelectionKey.OP_CONNECT, deadline, "connecting");
        } while (!channel.finishConnect());
      }
      ByteBuffer offer =
          ByteBuffer.allocate(17)
              .putInt(13)
              .put((byte) 'O')
              .putInt(VERSION)
              .putInt(ACTIONS)
              .putInt(PROTOCOL)
              .flip();
      write(channel, key, offer, deadline);
      ByteBuffer length = read(channel, key, 4, deadline);
      int size = length.getInt(0);
      if (size < 13 || size > LARGEST_REPLY) {
        throw new NotAMilter("it answered " + printable(length) + "…, which is not a milter reply");
      }
      ByteBuffer reply = read(channel, key, size, deadline);
      if (reply.get(0) != 'O') {
        throw new NotAMilter(
            "it answered milter command '"
                + (char) reply.get(0)
                + "' instead of an option "
                + "negotiation reply ('O')");
      }
      Negotiated negotiated = new Negotiated(reply.getInt(1), reply.getInt(5), reply.getInt(9));
      write(channel, key, ByteBuffer.allocate(5).putInt(1).put((byte) 'Q').flip(), deadline);
      return negotiated;
    }
  }

  private static void write(
      SocketChannel channel, SelectionKey key, ByteBuffer buffer, long deadline)
      throws IOException {
    while (buffer.hasRemaining()) {
      if (channel.write(buffer) == 0) {
        await(key, SelectionKey.OP_WRITE, deadline, "sending");
      }
    }
  }

  private static ByteBuffer read(SocketChannel channel, SelectionKey key, int size, long deadline)
      throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(size);
    while (buffer.hasRemaining()) {
      int n = channel.read(buffer);
      if (n < 0) {
        throw new NotAMilter(
            buffer.position() == 0 && size == 4
                ? "it closed the connection without answering"
                : "it closed the connection in the middle of its answer");
      }
      if (n == 0) {
        await(key, SelectionKey.OP_READ, deadline, "waiting for the answer");
      }
    }
    return buffer.flip();
  }

  private static void await(SelectionKey key, int operation, long deadline, String doing)
      throws IOException {
    key.interestOps(operation);
    long left = deadline - System.nanoTime();
    int ready = left <= 0 ? 0 : key.selector().select(Math.max(1, left / 1_000_000));
    key.selector().selectedKeys().clear();
    if (ready == 0 && System.nanoTime() - deadline >= 0) {
      throw new SocketTimeoutException("timed out " + doing);
    }
  }

  private static String printable(ByteBuffer bytes) {
    StringBuilder text = new StringBuilder("\"");
    for (byte b : bytes.array()) {
      text.append(
          b >= 0x20 && b < 0x7f ? String.valueOf((char) b) : String.format("\\x%02x", b & 0xff));
    }
    return text.append('"').toString();
  }
}
