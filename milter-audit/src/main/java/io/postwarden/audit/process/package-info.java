/**
 * Finding the local process behind a client socket, and the user behind a sendmail(1) submission,
 * from the kernel: netlink sock_diag (JNA) with {@code /proc/net/tcp} as fallback, then the fd
 * links of the socket owner's processes (ADRs 0008, 0016). Blocking I/O: call only from policy
 * workers. Every lookup is bounded by {@link io.postwarden.audit.process.ScanLimits}; codecs such
 * as {@link io.postwarden.audit.process.SockDiagCodec} are pure.
 */
package io.postwarden.audit.process;
