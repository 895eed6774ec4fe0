package io.postwarden.audit.process;

import com.sun.jna.LastErrorException;
import com.sun.jna.NativeLong;
import io.postwarden.audit.libc.LibC;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteOrder;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Asks the kernel for one TCP socket through netlink sock_diag (see {@link SockDiagCodec}): an
 * exact lookup in the kernel's socket hash table, whatever the number of sockets. Needs no
 * privilege. Each query opens a netlink socket of its own, so that concurrent queries cannot read
 * each other's replies. Reached through JNA: Java 17 cannot open AF_NETLINK sockets by itself
 * (docs/decisions/0016-sock-diag-peer-lookup.md).
 */
final class SockDiagFinder implements SocketFinder {

  private static final int AF_NETLINK = 16;
  private static final int SOCK_RAW = 3;
  private static final int SOCK_CLOEXEC = 0x80000;
  private static final int NETLINK_SOCK_DIAG = 4;
  private static final int MSG_DONTWAIT = 0x40;
  private static final int ENOENT = 2;
  private static final int REPLY_BUFFER_SIZE = 8192;

  private final SockDiagCodec codec = new SockDiagCodec(ByteOrder.nativeOrder());
  private final AtomicInteger sequence = new AtomicInteger();

  private SockDiagFinder() {}

  /**
   * A finder proven to work here: it has found a TCP listener of its own. Where the kernel lacks
   * sock_diag for TCP, or a sandbox forbids netlink, this fails with the reason; where JNA cannot
   * load, with a {@link LinkageError}.
   */
  static SockDiagFinder verified() throws IOException {
    SockDiagFinder finder = new SockDiagFinder();
    InetAddress loopback = InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
    try (ServerSocket listener = new ServerSocket(0, 1, loopback)) {
      InetSocketAddress local = (InetSocketAddress) listener.getLocalSocketAddress();
      SockDiagCodec.Reply reply =
          finder.query(local, new InetSocketAddress(InetAddress.getByAddress(new byte[4]), 0));
      if (!(reply instanceof SockDiagCodec.Socket socket)
          || socket.state() != SockDiagCodec.TCP_LISTEN
          || socket.inode() == 0) {
        throw new IOException("sock_diag did not find a TCP listener of this process: " + reply);
      }
    }
    return finder;
  }

  @Override
  public Optional<ClientSocket> find(InetSocketAddress local, InetSocketAddress remote)
      throws IOException {
    SockDiagCodec.Reply reply = query(local, remote);
    if (reply instanceof SockDiagCodec.Error error) {
      if (error.errno() == ENOENT) {
        return Optional.empty();
      }
      throw new IOException("sock_diag refused the query: errno " + error.errno());
    }
    SockDiagCodec.Socket socket = (SockDiagCodec.Socket) reply;
    // Without an exact match the kernel answers with a listener on the local endpoint: not the
    // client.
    if (socket.state() == SockDiagCodec.TCP_LISTEN
        || !socket.local().equals(local)
        || !socket.remote().equals(remote)) {
      return Optional.empty();
    }
    return Optional.of(new ClientSocket(socket.uid(), socket.inode()));
  }

  /** One request and its reply. */
  SockDiagCodec.Reply query(InetSocketAddress local, InetSocketAddress remote) throws IOException {
    int id = sequence.incrementAndGet();
    byte[] request = codec.request(id, local, remote);
    byte[] reply = new byte[REPLY_BUFFER_SIZE];
    int fd;
    try {
      fd = LibC.socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
    } catch (LastErrorException e) {
      throw new IOException("cannot open a sock_diag netlink socket: errno " + e.getErrorCode(), e);
    }
    try {
      LibC.send(fd, request, new NativeLong(request.length), 0);
      // The kernel answers while it handles send(): the reply is queued by now, and waiting would
      // only hide a bug.
      long received = LibC.recv(fd, reply, new NativeLong(reply.length), MSG_DONTWAIT).longValue();
      return codec.reply(reply, (int) received, id);
    } catch (LastErrorException e) {
      throw new IOException("sock_diag query failed: errno " + e.getErrorCode(), e);
    } catch (IllegalArgumentException e) {
      throw new IOException("sock_diag reply not understood: " + e.getMessage(), e);
    } finally {
      LibC.close(fd);
    }
  }
}
