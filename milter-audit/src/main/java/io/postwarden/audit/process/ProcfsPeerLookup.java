package io.postwarden.audit.process;

import io.postwarden.audit.process.PeerLookupResult.Found;
import io.postwarden.audit.process.PeerLookupResult.NotFound;
import io.postwarden.audit.process.PeerLookupResult.OwnerOnly;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds the client process of a local TCP connection through procfs: the client's socket (local end = the client's
 * endpoint, remote end = the server's) in /proc/net/tcp or tcp6 gives its uid and inode, the /proc/PID/fd links
 * give the process holding that inode, and /proc/PID describes it. Why procfs and not sock_diag netlink, and what
 * it costs: docs/decisions/audit-peer-lookup.md.
 *
 * <p>Without root (or both CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH) only processes of this service's own user can be
 * named, and not those that changed user without exec (php-fpm workers, for one); for the others the socket's owner
 * is still reported. Blocking file I/O; safe for concurrent use.
 */
public final class ProcfsPeerLookup implements PeerProcessLookup {

    private final TcpSocketTable sockets;
    private final SocketHolderScanner holders;
    private final ProcessFactsReader processes;
    private final PasswdFile passwd;

    /**
     * @param procRoot   the procfs mount, normally /proc
     * @param passwdFile the user database, normally /etc/passwd
     */
    public ProcfsPeerLookup(Path procRoot, Path passwdFile) {
        this.passwd = new PasswdFile(passwdFile);
        this.sockets = new TcpSocketTable(procRoot);
        this.holders = new SocketHolderScanner(procRoot);
        this.processes = new ProcessFactsReader(procRoot, passwd);
    }

    @Override
    public PeerLookupResult lookup(InetSocketAddress client, InetSocketAddress server) {
        requireIpEndpoint(client, "client");
        requireIpEndpoint(server, "server");
        try {
            return lookupHolder(client, server);
        } catch (IOException e) {
            return new NotFound("cannot read procfs: " + e);
        }
    }

    private PeerLookupResult lookupHolder(InetSocketAddress client, InetSocketAddress server) throws IOException {
        String connection = text(client) + " -> " + text(server);
        Optional<TcpSocketTable.Entry> found = sockets.find(client, server);
        if (found.isEmpty()) {
            return new NotFound("no TCP socket " + connection + " in the kernel's tables:"
                    + " the client has disconnected, or it is not on this host");
        }
        TcpSocketTable.Entry socket = found.get();
        if (socket.orphaned()) {
            return new NotFound("the client socket " + connection + " has been closed by its process");
        }
        SocketHolderScanner.Outcome outcome = holders.find(socket.inode(), socket.uid());
        if (outcome.holder().isPresent()) {
            return describe(outcome.holder().getAsLong(), socket);
        }
        String owner = passwd.userName(socket.uid());
        if (outcome.unreadableProcesses() > 0) {
            return new OwnerOnly(socket.uid(), owner, "socket " + connection + " (inode " + socket.inode()
                    + ") is held by none of the processes whose open files could be read; processes that could not"
                    + " be read: " + outcome.unreadableProcesses()
                    + " (reading other users' processes needs root, or CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH)");
        }
        return new OwnerOnly(socket.uid(), owner, "no process holds socket " + connection
                + " (inode " + socket.inode() + ") any more");
    }

    private PeerLookupResult describe(long pid, TcpSocketTable.Entry socket) {
        try {
            return new Found(processes.read(pid));
        } catch (IOException e) {
            return new OwnerOnly(socket.uid(), passwd.userName(socket.uid()),
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
