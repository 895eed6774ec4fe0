package io.postwarden.audit.process;

import java.net.InetSocketAddress;
import java.nio.file.Path;

/**
 * Runs one lookup and prints its result, so that tests can run a lookup as another user in a JVM of
 * its own. Arguments: PROC_ROOT PASSWD_FILE CLIENT_IP CLIENT_PORT SERVER_IP SERVER_PORT. With
 * PROC_ROOT /proc the socket comes from netlink sock_diag, as in the daemon, and the command fails
 * if netlink is unavailable to its user; with any other root, from that fake tree's net/tcp.
 */
public final class LookupCommand {

  private LookupCommand() {}

  public static void main(String[] args) {
    Path procRoot = Path.of(args[0]);
    SocketFinder sockets =
        args[0].equals("/proc")
            ? ProcfsPeerLookup.socketFinderOfThisHost()
            : new TcpSocketTable(procRoot);
    if (args[0].equals("/proc") && !(sockets instanceof SockDiagFinder)) {
      System.out.println("netlink sock_diag unavailable to this user");
      System.exit(1);
    }
    // No limits: a fresh JVM's first lookup is slow, and these lookups are about privileges, not
    // limits.
    ProcfsPeerLookup lookup =
        new ProcfsPeerLookup(
            procRoot, Path.of(args[1]), sockets, ScanLimits.NONE, System::nanoTime, () -> {});
    System.out.println(
        lookup.lookup(
            new InetSocketAddress(args[2], Integer.parseInt(args[3])),
            new InetSocketAddress(args[4], Integer.parseInt(args[5]))));
  }
}
