package io.postwarden.audit.process;

import java.net.InetSocketAddress;
import java.nio.file.Path;

/**
 * Runs one lookup and prints its result, so that tests can run a lookup as another user in a JVM of its own.
 * Arguments: PROC_ROOT PASSWD_FILE CLIENT_IP CLIENT_PORT SERVER_IP SERVER_PORT; "/proc /etc/passwd" is the
 * host, through netlink where it works as the daemon's lookup does; anything else a fake tree.
 */
public final class LookupCommand {

    private LookupCommand() {
    }

    public static void main(String[] args) {
        Path procRoot = Path.of(args[0]);
        SocketFinder sockets = args[0].equals("/proc") ? ProcfsPeerLookup.socketFinderOfThisHost()
                : new TcpSocketTable(procRoot);
        // No limits: a fresh JVM's first lookup is slow, and these lookups are about privileges, not limits.
        ProcfsPeerLookup lookup = new ProcfsPeerLookup(procRoot, Path.of(args[1]), sockets, ScanLimits.NONE,
                System::nanoTime, () -> { });
        System.out.println(lookup.lookup(new InetSocketAddress(args[2], Integer.parseInt(args[3])),
                new InetSocketAddress(args[4], Integer.parseInt(args[5]))));
    }
}
