package io.postwarden.audit.libc;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;

/**
 * The few socket calls Java 17 cannot make by itself (netlink sock_diag for the process lookup, a
 * unix datagram to the journal), bound on first use by JNA's direct mapping: no per-call
 * reflection. Errors come as {@link LastErrorException} with errno.
 */
public final class LibC {

  static {
    Native.register("c");
  }

  private LibC() {}

  public static native int socket(int domain, int type, int protocol) throws LastErrorException;

  public static native NativeLong send(int fd, byte[] buffer, NativeLong length, int flags)
      throws LastErrorException;

  public static native NativeLong sendto(
      int fd, byte[] buffer, NativeLong length, int flags, byte[] address, int addressLength)
      throws LastErrorException;

  public static native NativeLong recv(int fd, byte[] buffer, NativeLong length, int flags)
      throws LastErrorException;

  public static native int close(int fd);
}
