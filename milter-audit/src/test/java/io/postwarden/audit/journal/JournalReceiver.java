package io.postwarden.audit.journal;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/** journald's end for tests: an AF_UNIX datagram socket bound to a path, read without waiting. */
public final class JournalReceiver implements AutoCloseable {

  private static final int AF_UNIX = 1;
  private static final int SOCK_DGRAM = 2;
  private static final int SOCK_CLOEXEC = 0x80000;
  private static final int MSG_DONTWAIT = 0x40;
  private static final int EAGAIN = 11;

  private final int fd;

  public JournalReceiver(Path path) {
    fd = LibC.socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    byte[] name = path.toString().getBytes(StandardCharsets.UTF_8);
    byte[] address =
        ByteBuffer.allocate(2 + name.length + 1)
            .order(ByteOrder.nativeOrder())
            .putShort((short) AF_UNIX)
            .put(name)
            .put((byte) 0)
            .array();
    LibC.bind(fd, address, address.length);
  }

  /** The next datagram already queued; empty if there is none. */
  public Optional<byte[]> next() {
    byte[] buffer = new byte[256 * 1024];
    try {
      long length = LibC.recv(fd, buffer, new NativeLong(buffer.length), MSG_DONTWAIT).longValue();
      return Optional.of(Arrays.copyOf(buffer, (int) length));
    } catch (LastErrorException e) {
      if (e.getErrorCode() == EAGAIN) {
        return Optional.empty();
      }
      throw e;
    }
  }

  @Override
  public void close() {
    LibC.close(fd);
  }

  private static final class LibC {
    static {
      Native.register("c");
    }

    static native int socket(int domain, int type, int protocol) throws LastErrorException;

    static native int bind(int fd, byte[] address, int length) throws LastErrorException;

    static native NativeLong recv(int fd, byte[] buffer, NativeLong length, int flags)
        throws LastErrorException;

    static native int close(int fd);
  }
}
