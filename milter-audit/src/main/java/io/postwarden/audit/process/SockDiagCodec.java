package io.postwarden.audit.process;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The bytes of one netlink sock_diag exchange (linux/sock_diag.h, linux/inet_diag.h): a request for
 * one TCP socket by its exact endpoints (an {@code nlmsghdr} and an {@code inet_diag_req_v2}
 * without NLM_F_DUMP, which the kernel answers from its socket hash table), and the reply, an
 * {@code inet_diag_msg} or an {@code nlmsgerr}. Header fields are in the host's byte order, ports
 * and addresses in network order. No I/O.
 */
final class SockDiagCodec {

  static final int REQUEST_SIZE = 72;
  static final int AF_INET = 2;
  static final int AF_INET6 = 10;
  static final int TCP_LISTEN = 10;

  private static final int NLMSG_HEADER_SIZE = 16;
  private static final int NLMSG_ERROR = 2;
  private static final int SOCK_DIAG_BY_FAMILY = 20;
  private static final int NLM_F_REQUEST = 1;
  private static final int IPPROTO_TCP = 6;
  private static final int ALL_STATES = 0xFFFFFFFF;
  private static final int NO_COOKIE =
      0xFFFFFFFF; // INET_DIAG_NOCOOKIE: match the socket whatever its cookie
  private static final int INET_DIAG_MSG_SIZE = 72;
  private static final int ADDRESS_SIZE =
      16; // each address field holds an IPv6 address, or an IPv4 one and zeros

  /** What the kernel answered. */
  sealed interface Reply {}

  /**
   * The socket: its family, TCP state, endpoints as the kernel holds them, owner and inode (0 once
   * orphaned).
   */
  record Socket(
      int family, int state, InetSocketAddress local, InetSocketAddress remote, int uid, long inode)
      implements Reply {}

  /** An error; ENOENT means no such socket. */
  record Error(int errno) implements Reply {}

  private final ByteOrder hostOrder;

  /**
   * @param hostOrder the byte order of the host whose kernel is asked: {@link
   *     ByteOrder#nativeOrder()}
   */
  SockDiagCodec(ByteOrder hostOrder) {
    this.hostOrder = hostOrder;
  }

  /**
   * The request for the TCP socket with local endpoint {@code local} and remote endpoint {@code
   * remote}. Two IPv4 endpoints are asked as AF_INET; the kernel's lookup also finds a dual-stack
   * IPv6 socket with those addresses.
   */
  byte[] request(int sequence, InetSocketAddress local, InetSocketAddress remote) {
    boolean ipv4 =
        local.getAddress() instanceof Inet4Address && remote.getAddress() instanceof Inet4Address;
    ByteBuffer out = ByteBuffer.allocate(REQUEST_SIZE).order(hostOrder);
    out.putInt(REQUEST_SIZE)
        .putShort((short) SOCK_DIAG_BY_FAMILY)
        .putShort((short) NLM_F_REQUEST)
        .putInt(sequence)
        .putInt(0); // port id 0: the kernel
    out.put((byte) (ipv4 ? AF_INET : AF_INET6))
        .put((byte) IPPROTO_TCP)
        .put((byte) 0)
        .put((byte) 0)
        .putInt(ALL_STATES);
    out.order(ByteOrder.BIG_ENDIAN)
        .putShort((short) local.getPort())
        .putShort((short) remote.getPort());
    out.put(addressField(local.getAddress(), ipv4)).put(addressField(remote.getAddress(), ipv4));
    out.order(hostOrder).putInt(0).putInt(NO_COOKIE).putInt(NO_COOKIE); // any interface, any cookie
    return out.array();
  }

  /**
   * Decodes the first message of {@code length} received bytes.
   *
   * @throws IllegalArgumentException if the bytes are not a complete reply to request {@code
   *     sequence}
   */
  Reply reply(byte[] received, int length, int sequence) {
    ByteBuffer in = ByteBuffer.wrap(received, 0, length).order(hostOrder);
    try {
      int messageLength = in.getInt();
      int type = Short.toUnsignedInt(in.getShort());
      in.getShort(); // flags
      int replySequence = in.getInt();
      in.getInt(); // port id
      if (messageLength < NLMSG_HEADER_SIZE || messageLength > length) {
        throw new IllegalArgumentException(
            "netlink message of " + messageLength + " bytes in " + length + " received");
      }
      if (replySequence != sequence) {
        throw new IllegalArgumentException(
            "reply to request " + replySequence + ", expected " + sequence);
      }
      if (type == NLMSG_ERROR) {
        return new Error(-in.getInt());
      }
      if (type != SOCK_DIAG_BY_FAMILY || messageLength < NLMSG_HEADER_SIZE + INET_DIAG_MSG_SIZE) {
        throw new IllegalArgumentException(
            "netlink message type " + type + " of " + messageLength + " bytes");
      }
      return socket(in);
    } catch (BufferUnderflowException e) {
      throw new IllegalArgumentException("netlink reply cut short at " + length + " bytes", e);
    }
  }

  private static Socket socket(ByteBuffer in) {
    int family = Byte.toUnsignedInt(in.get());
    int state = Byte.toUnsignedInt(in.get());
    in.getShort(); // timer, retransmits
    if (family != AF_INET && family != AF_INET6) {
      throw new IllegalArgumentException("socket of address family " + family);
    }
    ByteOrder hostOrder = in.order();
    in.order(ByteOrder.BIG_ENDIAN);
    int localPort = Short.toUnsignedInt(in.getShort());
    int remotePort = Short.toUnsignedInt(in.getShort());
    InetAddress localAddress = address(in, family);
    InetAddress remoteAddress = address(in, family);
    in.order(hostOrder);
    in.position(
        in.position() + 4 + 8 + 4 + 4 + 4); // interface, cookie, expires, receive and send queues
    int uid = in.getInt();
    long inode = Integer.toUnsignedLong(in.getInt());
    return new Socket(
        family,
        state,
        new InetSocketAddress(localAddress, localPort),
        new InetSocketAddress(remoteAddress, remotePort),
        uid,
        inode);
  }

  /**
   * An address field; a v4-mapped IPv6 address comes out as the IPv4 address, as Java represents
   * it.
   */
  private static InetAddress address(ByteBuffer in, int family) {
    byte[] field = new byte[ADDRESS_SIZE];
    in.get(field);
    byte[] raw = family == AF_INET ? Arrays.copyOf(field, 4) : field;
    try {
      return InetAddress.getByAddress(raw);
    } catch (UnknownHostException impossible) { // only for a wrong length
      throw new IllegalStateException(impossible);
    }
  }

  /**
   * The address as the request's 16-byte field: IPv4 in the first 4 bytes, or IPv6 (IPv4
   * v4-mapped).
   */
  private static byte[] addressField(InetAddress address, boolean ipv4) {
    byte[] raw = address.getAddress();
    byte[] field = new byte[ADDRESS_SIZE];
    if (ipv4 || raw.length == ADDRESS_SIZE) {
      System.arraycopy(raw, 0, field, 0, raw.length);
    } else {
      field[10] = (byte) 0xFF; // ::ffff:a.b.c.d
      field[11] = (byte) 0xFF;
      System.arraycopy(raw, 0, field, 12, 4);
    }
    return field;
  }
}
