package io.postwarden.audit.journal;

import com.sun.jna.LastErrorException;
import com.sun.jna.NativeLong;
import io.postwarden.audit.libc.LibC;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Sends datagrams to journald's AF_UNIX datagram socket. Java 17 has no AF_UNIX datagram sockets,
 * so the three libc calls go through JNA, already used for netlink (docs/decisions/0016). Each send
 * opens a non-blocking socket of its own and names the path: nothing to keep open or reconnect when
 * journald restarts, and a full journald queue fails the send at once instead of waiting.
 */
final class JournalSocket {

  /** sun_path holds 108 bytes with the terminating NUL. */
  static final int PATH_LIMIT = 107;

  private static final short AF_UNIX = 1;
  private static final int SOCK_DGRAM = 2;
  private static final int SOCK_NONBLOCK = 0x800;
  private static final int SOCK_CLOEXEC = 0x80000;
  private static final int MSG_NOSIGNAL = 0x4000;

  /** Why a send failed, as a bounded metric label. */
  enum Failure {
    /** No journald listens there (ENOENT, ECONNREFUSED). */
    ABSENT,
    /** journald's queue is full, or the kernel is out of buffers (EAGAIN, ENOBUFS). */
    BUSY,
    /** Larger than a datagram may be (EMSGSIZE). */
    TOO_LARGE,
    /** Anything else, such as no permission (EACCES). */
    ERROR;

    static Failure of(int errno) {
      return switch (errno) {
        case 2, 111 -> ABSENT;
        case 11, 105 -> BUSY;
        case 90 -> TOO_LARGE;
        default -> ERROR;
      };
    }

    String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** A failed send with its errno. */
  static final class SendException extends IOException {
    private final int errno;

    SendException(String message, int errno) {
      super(message);
      this.errno = errno;
    }

    Failure failure() {
      return Failure.of(errno);
    }
  }

  private final Path path;
  private final byte[] address;

  JournalSocket(Path path) {
    this.path = path;
    byte[] name = path.toString().getBytes(StandardCharsets.UTF_8);
    if (name.length > PATH_LIMIT) {
      throw new IllegalArgumentException(
          "socket path longer than " + PATH_LIMIT + " bytes: " + path);
    }
    // struct sockaddr_un: sa_family_t in host order, then the path and its NUL
    address =
        ByteBuffer.allocate(2 + name.length + 1)
            .order(ByteOrder.nativeOrder())
            .putShort(AF_UNIX)
            .put(name)
            .put((byte) 0)
            .array();
  }

  void send(byte[] datagram) throws SendException {
    int fd;
    try {
      fd = LibC.socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    } catch (LastErrorException e) {
      throw new SendException("cannot open an AF_UNIX datagram socket", e.getErrorCode());
    }
    try {
      LibC.sendto(
          fd, datagram, new NativeLong(datagram.length), MSG_NOSIGNAL, address, address.length);
    } catch (LastErrorException e) {
      throw new SendException(
          "cannot send to " + path + ": errno " + e.getErrorCode(), e.getErrorCode());
    } finally {
      LibC.close(fd);
    }
  }
}
