package io.postwarden.audit.process;

import java.net.InetSocketAddress;
import java.nio.file.Path;

/**
 * Runs one lookup and prints its result, so that tests can run a lookup as another user in a JVM of its own.
 * Arguments: PROC_ROOT PASSWD_FILE CLIENT_IP CLIENT_PORT SERVER_IP SERVER_PORT.
 */
public final class LookupCommand {

    private LookupCommand() {
    }

    public static void main(String[] args) {
        ProcfsPeerLookup lookup = new ProcfsPeerLookup(Path.of(args[0]), Path.of(args[1]));
        System.out.println(lookup.lookup(new InetSocketAddress(args[2], Integer.parseInt(args[3])),
                new InetSocketAddress(args[4], Integer.parseInt(args[5]))));
    }
}
