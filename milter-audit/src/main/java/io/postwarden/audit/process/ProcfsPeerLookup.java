package io.postwarden.audit.process;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.postwarden.audit.process.PeerLookupResult.Found;
import io.postwarden.audit.process.PeerLookupResult.NotFound;
import io.postwarden.audit.process.PeerLookupResult.OwnerOnly;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Finds the client process of a local TCP connection: the kernel names the client's socket (local
 * end = the client's endpoint, remote end = the server's) with its uid and inode, the /proc/PID/fd
 * links of that uid's processes give the process holding that inode, and /proc/PID describes it. On
 * this host the socket comes from netlink sock_diag, an exact lookup; /proc/net/tcp{,6}, scanned in
 * full, is only the fallback where netlink is unavailable. Why, and what it costs:
 * docs/decisions/0016-sock-diag-peer-lookup.md.
 *
 * <p>Without root (or both CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH) only processes of this service's
 * own user can be named, and not those that changed user without exec (php-fpm workers, for one);
 * for the others the socket's owner is still reported, as it is when the search for the process
 * reaches its {@link ScanLimits}. Blocking file I/O; safe for concurrent use.
 */
public final class ProcfsPeerLookup implements PeerProcessLookup {

  private static final System.Logger LOG = System.getLogger(ProcfsPeerLookup.class.getName());
  private static final Path PROC = Path.of("/proc");
  private static final Path PASSWD = Path.of("/etc/passwd");

  private final SocketFinder sockets;
  private final SocketHolderScanner holders;
  private final ProcessFactsReader processes;
  private final PasswdFile passwd;
  private final Runnable onLimitReached;

  /**
   * A lookup on a procfs look-alike: the sockets are read from its net/tcp and net/tcp6, all else
   * from its process directories.
   *
   * @param procRoot the procfs mount, or a directory laid out like it
   * @param passwdFile the user database, normally /etc/passwd
   */
  public ProcfsPeerLookup(Path procRoot, Path passwdFile) {
    this(
        procRoot,
        passwdFile,
        new TcpSocketTable(procRoot),
        ScanLimits.DEFAULT,
        System::nanoTime,
        () -> {});
  }

  ProcfsPeerLookup(
      Path procRoot,
      Path passwdFile,
      SocketFinder sockets,
      ScanLimits limits,
      LongSupplier nanoClock,
      Runnable onLimitReached) {
    this.passwd = new PasswdFile(passwdFile);
    this.sockets = sockets;
    this.holders = new SocketHolderScanner(procRoot, limits, nanoClock);
    this.processes = new ProcessFactsReader(procRoot, passwd);
    this.onLimitReached = onLimitReached;
  }

  /**
   * The lookup for this host (/proc, /etc/passwd): sockets from netlink sock_diag where the kernel
   * answers it, else from /proc/net/tcp{,6} (the reason is logged). Lookups whose search for the
   * process stopped at a limit are counted in {@code postwarden.peer.lookup.limited}.
   */
  public static ProcfsPeerLookup ofThisHost(MeterRegistry registry) {
    Counter limited =
        Counter.builder("postwarden.peer.lookup.limited")
            .description(
                "Peer lookups that stopped searching for the client's process at their time or size"
                    + " limit; the client's uid is still known")
            .register(registry);
    return ofThisHost(limited::increment);
  }

  static ProcfsPeerLookup ofThisHost(Runnable onLimitReached) {
    ProcfsPeerLookup lookup =
        new ProcfsPeerLookup(
            PROC,
            PASSWD,
            socketFinderOfThisHost(),
            ScanLimits.DEFAULT,
            System::nanoTime,
            onLimitReached);
    try {
      lookup.holders.indexProcesses();
    } catch (IOException e) {
      LOG.log(
          System.Logger.Level.WARNING, "peer lookup: cannot list the processes in /proc yet: " + e);
    }
    return lookup;
  }

  static SocketFinder socketFinderOfThisHost() {
    try {
      return SockDiagFinder.verified();
    } catch (IOException | LinkageError e) { // LinkageError: JNA or its native part missing
      LOG.log(
          System.Logger.Level.WARNING,
          "peer lookup: netlink sock_diag unavailable ("
              + e.getMessage()
              + "); reading /proc/net/tcp and tcp6 instead, which is slow with many sockets");
      return new TcpSocketTable(PROC);
    }
  }

  @Override
  public PeerLookupResult lookup(InetSocketAddress client, InetSocketAddress server) {
    requireIpEndpoint(client, "client");
    requireIpEndpoint(server, "server");
    try {
      return lookupHolder(client, server);
    } catch (IOException e) {
      return new NotFound("cannot read the kernel's sockets or procfs: " + e);
    }
  }

  private PeerLookupResult lookupHolder(InetSocketAddress client, InetSocketAddress server)
      throws IOException {
    String connection = text(client) + " -> " + text(server);
    Optional<ClientSocket> found = sockets.find(client, server);
    if (found.isEmpty()) {
      return new NotFound(
          "no TCP socket "
              + connection
              + " in the kernel's tables:"
              + " the client has disconnected, or it is not on this host");
    }
    ClientSocket socket = found.get();
    if (socket.orphaned()) {
      return new NotFound("the client socket " + connection + " has been closed by its process");
    }
    SocketHolderScanner.Outcome outcome = holders.find(socket.inode(), socket.uid());
    if (outcome.holder().isPresent()) {
      return describe(outcome.holder().getAsLong(), socket);
    }
    String owner = passwd.userName(socket.uid());
    if (outcome.exhaustedLimit() != null) {
      onLimitReached.run();
      return new OwnerOnly(
          socket.uid(),
          owner,
          "the search for the process holding socket "
              + connection
              + " (inode "
              + socket.inode()
              + ") among uid "
              + socket.uid()
              + "'s processes stopped when it had "
              + outcome.exhaustedLimit()
              + unreadable(outcome));
    }
    if (outcome.unreadableProcesses() > 0) {
      return new OwnerOnly(
          socket.uid(),
          owner,
          "socket "
              + connection
              + " (inode "
              + socket.inode()
              + ") is held by none of the processes whose open files could be read; processes that could not"
              + " be read: "
              + outcome.unreadableProcesses()
              + " (reading other users' processes needs root, or CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH)");
    }
    return new OwnerOnly(
        socket.uid(),
        owner,
        "no process of uid "
            + socket.uid()
            + " holds socket "
            + connection
            + " (inode "
            + socket.inode()
            + ")");
  }

  private static String unreadable(SocketHolderScanner.Outcome outcome) {
    return outcome.unreadableProcesses() == 0
        ? ""
        : "; processes that could not be read: " + outcome.unreadableProcesses();
  }

  private PeerLookupResult describe(long pid, ClientSocket socket) {
    try {
      return new Found(processes.read(pid));
    } catch (IOException e) {
      return new OwnerOnly(
          socket.uid(),
          passwd.userName(socket.uid()),
          "process " + pid + " held the client socket but could not be read afterwards: " + e);
    }
  }

  private static void requireIpEndpoint(InetSocketAddress endpoint, String name) {
    if (endpoint == null || endpoint.isUnresolved()) {
      throw new IllegalArgumentException(name + " must be an IP address and port, got " + endpoint);
    }
  }

  private static String text(InetSocketAddress endpoint) {
    String address = endpoint.getAddress().getHostAddress();
    String host = endpoint.getAddress() instanceof Inet6Address ? "[" + address + "]" : address;
    return host + ":" + endpoint.getPort();
  }
}
