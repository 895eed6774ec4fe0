package io.postwarden.audit.process;

import io.postwarden.audit.process.PeerLookupResult.Found;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * Lookup latency on a busy host, everything running as one user (the hardest case for the scan's owner-first
 * order): this JVM holds ~2,000 extra loopback sockets, ~400 sleeping processes run, and bash clients connect;
 * half of them start before the sleepers, half after. Each client's socket is looked up in turn. Not a test; run as
 * root from milter-audit/:
 * {@code java -cp target/test-classes:target/classes io.postwarden.audit.process.PeerLookupBenchmark}.
 * Arguments (optional): CONNECTIONS (two sockets each, default 1000) SLEEPERS (400) LOOKUPS (500 per group).
 */
public final class PeerLookupBenchmark {

    private static final int CLIENTS_PER_GROUP = 8;
    private static final int WARMUP_LOOKUPS = 300;

    private PeerLookupBenchmark() {
    }

    /** Client processes and the server's end of each one's connection. */
    private record Clients(String name, List<Process> processes, List<SocketChannel> accepted) {}

    public static void main(String[] args) throws Exception {
        int connections = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int sleepers = args.length > 1 ? Integer.parseInt(args[1]) : 400;
        int lookups = args.length > 2 ? Integer.parseInt(args[2]) : 500;
        List<AutoCloseable> sockets = new ArrayList<>();
        List<SocketChannel> extraClients = new ArrayList<>();
        List<Process> children = new ArrayList<>();
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.INET)) {
            // IPv4 sockets throughout, so that the clients' sockets share /proc/net/tcp with the extra ones.
            server.bind(new InetSocketAddress("127.0.0.1", 0), connections + 2 * CLIENTS_PER_GROUP);
            for (int i = 0; i < connections; i++) {
                SocketChannel client = SocketChannel.open(StandardProtocolFamily.INET);
                client.setOption(StandardSocketOptions.SO_LINGER, 0); // closed by reset: no TIME_WAIT for the next run
                sockets.add(client);
                extraClients.add(client);
                client.connect(server.getLocalAddress());
                sockets.add(server.accept());
            }
            Clients older = startClients("clients older than the sleepers", server, children, sockets);
            for (int i = 0; i < sleepers; i++) {
                children.add(TestProcesses.start(List.of("sleep", "120")));
            }
            Clients newer = startClients("clients newer than the sleepers", server, children, sockets);
            System.out.printf("host: %d TCP sockets in /proc/net/tcp and tcp6, %d processes, %d fds in this JVM%n",
                    tcpSockets(), processes(), fds());

            ProcfsPeerLookup lookup = new ProcfsPeerLookup(Path.of("/proc"), Path.of("/etc/passwd"));
            TcpSocketTable table = new TcpSocketTable(Path.of("/proc"));
            measure("warm-up", WARMUP_LOOKUPS, i -> lookupAndCheck(lookup, i % 2 == 0 ? older : newer, i / 2));
            measure("socket table only, any of the sockets", lookups, i -> {
                SocketChannel client = extraClients.get(i * 7919 % extraClients.size()); // spread over the table
                table.find((InetSocketAddress) client.getLocalAddress(), (InetSocketAddress) client.getRemoteAddress());
            });
            for (Clients clients : List.of(older, newer)) {
                measure("full lookup, " + clients.name(), lookups, i -> lookupAndCheck(lookup, clients, i));
            }
        } finally {
            children.forEach(Process::destroyForcibly);
            for (AutoCloseable socket : sockets) {
                socket.close();
            }
        }
    }

    private static Clients startClients(String name, ServerSocketChannel server, List<Process> children,
                                        List<AutoCloseable> sockets) throws IOException {
        int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
        Clients clients = new Clients(name, new ArrayList<>(), new ArrayList<>());
        for (int i = 0; i < CLIENTS_PER_GROUP; i++) {
            Process client = TestProcesses.start(TestProcesses.bashClient(port));
            children.add(client);
            clients.processes().add(client);
            SocketChannel accepted = server.accept();
            sockets.add(accepted);
            clients.accepted().add(accepted);
        }
        return clients;
    }

    private interface Step {
        void run(int iteration) throws IOException;
    }

    /** Wall time, and this thread's CPU time (user + system), which other load on the host disturbs less. */
    private static void measure(String name, int count, Step step) throws IOException {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long[] wall = new long[count];
        long[] cpu = new long[count];
        for (int i = 0; i < count; i++) {
            long startCpu = threads.getCurrentThreadCpuTime();
            long start = System.nanoTime();
            step.run(i);
            wall[i] = System.nanoTime() - start;
            cpu[i] = threads.getCurrentThreadCpuTime() - startCpu;
        }
        System.out.printf("%-45s %4d: wall median %6.3f ms, p99 %6.3f ms | CPU median %6.3f ms, p99 %6.3f ms%n",
                name, count, median(wall), p99(wall), median(cpu), p99(cpu));
    }

    private static double median(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2] / 1e6;
    }

    private static double p99(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return sorted[(int) Math.ceil(sorted.length * 0.99) - 1] / 1e6;
    }

    private static void lookupAndCheck(PeerProcessLookup lookup, Clients clients, int iteration) throws IOException {
        PeerLookupResult result = lookup.lookup(clientOf(clients, iteration), serverOf(clients, iteration));
        long expected = clients.processes().get(iteration % CLIENTS_PER_GROUP).pid();
        if (!(result instanceof Found found) || found.process().pid() != expected) {
            throw new IllegalStateException("expected pid " + expected + ", got " + result);
        }
    }

    private static InetSocketAddress clientOf(Clients clients, int iteration) throws IOException {
        return (InetSocketAddress) clients.accepted().get(iteration % CLIENTS_PER_GROUP).getRemoteAddress();
    }

    private static InetSocketAddress serverOf(Clients clients, int iteration) throws IOException {
        return (InetSocketAddress) clients.accepted().get(iteration % CLIENTS_PER_GROUP).getLocalAddress();
    }

    private static long tcpSockets() throws IOException {
        return Files.readAllLines(Path.of("/proc/net/tcp")).size() - 1
                + Files.readAllLines(Path.of("/proc/net/tcp6")).size() - 1;
    }

    private static long processes() throws IOException {
        try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
            return entries.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).count();
        }
    }

    private static long fds() throws IOException {
        try (Stream<Path> entries = Files.list(Path.of("/proc/self/fd"))) {
            return entries.count();
        }
    }
}
