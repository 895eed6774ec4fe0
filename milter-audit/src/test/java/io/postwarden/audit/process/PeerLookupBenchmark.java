package io.postwarden.audit.process;

import io.postwarden.audit.process.PeerLookupResult.Found;
import io.postwarden.audit.process.PeerLookupResult.OwnerOnly;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Lookup latency on a busy shared host, the old lookup (/proc/net/tcp and every process, {@link
 * LegacyPeerLookup}) against the current one ({@link ProcfsPeerLookup#ofThisHost}), side by side in
 * one run. It builds the host: TIME_WAIT_SOCKETS loopback connections closed by their client (so in
 * TIME_WAIT), SLEEPERS processes under user nobody, and clients that connect to a server in this
 * JVM and hold their connection:
 *
 * <ul>
 *   <li>a site's workers (uid 30001, which has a few other processes) that changed user without
 *       exec, like PHP-FPM workers, four started before the sleepers, four after them;
 *   <li>four clients running as nobody, which owns every sleeper, started after them all;
 *   <li>the worst case: four such clients started before them all.
 * </ul>
 *
 * Each group's four connections are looked up in turn; they sit at different places in the kernel's
 * socket table. Each group runs on a table filled anew, once the previous group's TIME_WAIT sockets
 * have expired. Not a test. Run as root, in a network namespace of its own so that the TIME_WAIT
 * sockets do not crowd the host's ports: {@code scripts/bench-lookup}. Arguments (optional):
 * TIME_WAIT_SOCKETS (50000) SLEEPERS (1000) LOOKUPS (300 per group and lookup).
 */
public final class PeerLookupBenchmark {

  private static final int SITE_UID = 30001;
  private static final int SITE_OTHER_PROCESSES = 4;
  private static final int CLIENTS = 4;
  private static final int WARMUP_LOOKUPS = 200;
  private static final long TIME_WAIT_NANOS = 61_000_000_000L;
  private static final int FIRST_PORT = 10_000;
  private static final int PORTS_PER_ADDRESS = 25_000;

  private PeerLookupBenchmark() {}

  /** Client processes of one kind, and the server's end of each one's connection. */
  private record Clients(String name, List<Process> processes, List<SocketChannel> accepted) {}

  public static void main(String[] args) throws Exception {
    int timeWaitSockets = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
    int sleepers = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
    int lookups = args.length > 2 ? Integer.parseInt(args[2]) : 300;
    TestProcesses.requireRoot("starts processes as other users");
    List<Process> children = new ArrayList<>();
    List<SocketChannel> accepted = new ArrayList<>();
    // Built first, as the daemon starts before the host's processes: it finds the later ones by
    // their new pids.
    ProcfsPeerLookup current = ProcfsPeerLookup.ofThisHost(() -> {});
    LegacyPeerLookup old = new LegacyPeerLookup(Path.of("/proc"), Path.of("/etc/passwd"));
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.INET)) {
      server.bind(new InetSocketAddress("127.0.0.1", 0), 64);
      for (int i = 0; i < SITE_OTHER_PROCESSES; i++) {
        children.add(TestProcesses.start(asUser(SITE_UID, List.of("sleep", "900"))));
      }
      Clients siteOld =
          connect("site workers older than the sleepers", SITE_UID, server, children, accepted);
      Clients worst =
          connect(
              "worst: nobody's oldest, of " + (sleepers + 2 * CLIENTS) + " processes",
              TestProcesses.NOBODY,
              server,
              children,
              accepted);
      Process sleeping = startSleepers(sleepers);
      Clients siteNew =
          connect("site workers newer than the sleepers", SITE_UID, server, children, accepted);
      Clients nobodyNew =
          connect(
              "nobody's newest, of " + (sleepers + 2 * CLIENTS) + " processes",
              TestProcesses.NOBODY,
              server,
              children,
              accepted);
      long filled = fillWithTimeWait(timeWaitSockets, 0);
      System.out.printf("host: %s; %d processes; %s%n", tcpSockets(), processes(), machine());

      for (int i = 0; i < WARMUP_LOOKUPS; i++) {
        Clients clients = List.of(siteOld, siteNew).get(i % 2);
        current.lookup(clientEnd(clients, i), serverEnd(clients, i));
        if (i % 10 == 0) {
          old.lookup(clientEnd(clients, i), serverEnd(clients, i));
        }
      }
      System.out.printf(
          "%-50s %11s | %-28s | %-28s | %s%n",
          lookups + " lookups each, alternating",
          "",
          "wall: median    p99     max",
          "CPU: median    p99     max",
          "results");
      List<Clients> groups = List.of(siteOld, siteNew, nobodyNew, worst);
      for (int group = 0; group < groups.size(); group++) {
        if (group
            > 0) { // TIME_WAIT lasts a minute: each group gets the table full, and only that full
          Thread.sleep(Math.max(0, filled + TIME_WAIT_NANOS - System.nanoTime()) / 1_000_000);
          filled = fillWithTimeWait(timeWaitSockets, group);
        }
        measure(groups.get(group), lookups, old, current);
        System.out.printf("%50s after: %s%n", "", tcpSockets());
      }
      System.out.printf("after the lookups: %s%n", tcpSockets());
      sleeping.destroy();
      new ProcessBuilder("kill", "-KILL", "--", "-" + sleeping.pid())
          .start()
          .waitFor(); // its process group
    } finally {
      children.forEach(Process::destroyForcibly);
      for (SocketChannel channel : accepted) {
        channel.close();
      }
    }
  }

  /**
   * Old and current lookups of a group's clients in turn, alternating, so that both see the same
   * host; then the current lookup alone, the same number of times back to back ("consecutive"): the
   * old lookup reads the whole socket table and every process before each current one in the first
   * pass, and leaves the caches cold for it. Wall time, and this thread's CPU time (user and
   * system), which the other load on a shared host disturbs less.
   */
  private static void measure(
      Clients clients, int count, LegacyPeerLookup old, ProcfsPeerLookup current)
      throws IOException {
    long[][] oldNanos = new long[2][count];
    long[][] currentNanos = new long[2][count];
    long[][] consecutiveNanos = new long[2][count];
    Map<String, Integer> oldResults = new TreeMap<>();
    Map<String, Integer> currentResults = new TreeMap<>();
    Map<String, Integer> consecutiveResults = new TreeMap<>();
    for (int i = 0; i < count; i++) {
      long expected = clients.processes().get(i % CLIENTS).pid();
      int n = i;
      var oldResult =
          timed(oldNanos, i, () -> old.lookup(clientEnd(clients, n), serverEnd(clients, n)));
      oldResults.merge(
          oldResult
              .map(p -> p.pid() == expected ? "found" : "WRONG " + p.pid())
              .orElse("not found"),
          1,
          Integer::sum);
      PeerLookupResult result =
          timed(
              currentNanos, i, () -> current.lookup(clientEnd(clients, n), serverEnd(clients, n)));
      currentResults.merge(kind(result, expected), 1, Integer::sum);
    }
    for (int i = 0; i < count; i++) {
      long expected = clients.processes().get(i % CLIENTS).pid();
      int n = i;
      PeerLookupResult result =
          timed(
              consecutiveNanos,
              i,
              () -> current.lookup(clientEnd(clients, n), serverEnd(clients, n)));
      consecutiveResults.merge(kind(result, expected), 1, Integer::sum);
    }
    report(clients.name(), "old", oldNanos, oldResults);
    report("", "current", currentNanos, currentResults);
    report("", "consecutive", consecutiveNanos, consecutiveResults);
  }

  /** A lookup that may fail. */
  private interface Lookup<T> {
    T run() throws IOException;
  }

  /** Runs {@code lookup}, keeping its wall and this thread's CPU nanoseconds as the i-th. */
  private static <T> T timed(long[][] nanos, int i, Lookup<T> lookup) throws IOException {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long cpu = threads.getCurrentThreadCpuTime();
    long start = System.nanoTime();
    T result = lookup.run();
    nanos[0][i] = System.nanoTime() - start;
    nanos[1][i] = threads.getCurrentThreadCpuTime() - cpu;
    return result;
  }

  private static String kind(PeerLookupResult result, long expected) {
    if (result instanceof Found found) {
      return found.process().pid() == expected ? "found" : "WRONG " + found.process().pid();
    }
    return result instanceof OwnerOnly ownerOnly
        ? "owner only (" + ownerOnly.reason().replaceAll(".*had ", "") + ")"
        : result.toString();
  }

  private static void report(
      String name, String which, long[][] nanos, Map<String, Integer> results) {
    System.out.printf(
        "%-50s %11s | %s | %s | %s%n", name, which, summary(nanos[0]), summary(nanos[1]), results);
  }

  /** Median, p99 and maximum. */
  private static String summary(long[] nanos) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    return String.format(
        "%8s %8s %8s",
        time(sorted[sorted.length / 2]),
        time(sorted[(int) Math.ceil(sorted.length * 0.99) - 1]),
        time(sorted[sorted.length - 1]));
  }

  private static String time(long nanos) {
    return nanos < 1_000_000
        ? String.format("%d µs", nanos / 1000)
        : String.format("%.1f ms", nanos / 1e6);
  }

  /** Clients that change to {@code uid} without exec, like PHP-FPM workers, then connect. */
  private static Clients connect(
      String name,
      int uid,
      ServerSocketChannel server,
      List<Process> children,
      List<SocketChannel> accepted)
      throws IOException {
    int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
    Clients clients = new Clients(name, new ArrayList<>(), new ArrayList<>());
    for (int i = 0; i < CLIENTS; i++) {
      Process process = TestProcesses.start(TestProcesses.perlClientAfterSetuid(uid, port));
      children.add(process);
      clients.processes().add(process);
      SocketChannel channel = server.accept();
      accepted.add(channel);
      clients.accepted().add(channel);
    }
    return clients;
  }

  /**
   * Sleepers as nobody, forked by one shell in a process group of its own; returns once all have
   * started.
   */
  private static Process startSleepers(int count) throws IOException {
    Process shell =
        new ProcessBuilder(
                "setsid",
                "bash",
                "-c",
                "for ((i = 0; i < "
                    + count
                    + "; i++)); do "
                    + String.join(" ", asUser(TestProcesses.NOBODY, List.of("sleep", "900")))
                    + " & done; echo started;"
                    + " wait")
            .redirectErrorStream(true)
            .start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(shell.getInputStream(), StandardCharsets.UTF_8));
    if (!"started".equals(out.readLine())) {
      throw new IllegalStateException("the sleepers did not start");
    }
    return shell;
  }

  private static List<String> asUser(int uid, List<String> command) {
    List<String> full =
        new ArrayList<>(List.of("setpriv", "--reuid=" + uid, "--regid=" + uid, "--clear-groups"));
    full.addAll(command);
    return full;
  }

  /**
   * Loopback connections closed by their client first, which leaves the client's end in TIME_WAIT
   * for a minute. Each client is bound to a source address and port of its own: letting the kernel
   * pick a free port gets slower and slower as TIME_WAIT sockets take them.
   */
  private static long fillWithTimeWait(int count, int generation) throws IOException {
    long start = System.nanoTime();
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.INET)) {
      server.bind(new InetSocketAddress("127.0.0.1", 0), 128);
      for (int i = 0; i < count; i++) {
        try (SocketChannel client = SocketChannel.open(StandardProtocolFamily.INET)) {
          client.bind(
              new InetSocketAddress(
                  "127.1." + generation + "." + (1 + i / PORTS_PER_ADDRESS),
                  FIRST_PORT + i % PORTS_PER_ADDRESS)); // each generation its own addresses
          client.connect(server.getLocalAddress());
          try (SocketChannel accepted = server.accept()) {
            client.close(); // the active close: the client's end goes to TIME_WAIT
          }
        }
      }
    }
    long end = System.nanoTime();
    System.out.printf(
        "%d connections opened and closed in %.1f s; %s%n",
        count, (end - start) / 1e9, tcpSockets());
    return end; // the last of them expire a minute after this
  }

  private static String tcpSockets() throws IOException {
    Map<String, Long> states = tcpStates();
    return states.values().stream().mapToLong(Long::longValue).sum()
        + " TCP sockets, "
        + states.getOrDefault("06", 0L)
        + " in TIME_WAIT";
  }

  /** The sockets in /proc/net/tcp and tcp6 by state, in the kernel's hex ("06" is TIME_WAIT). */
  private static Map<String, Long> tcpStates() throws IOException {
    Map<String, Long> states = new TreeMap<>();
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      List<String> lines = Files.readAllLines(Path.of(table));
      for (String line : lines.subList(1, lines.size())) {
        states.merge(line.trim().split("\\s+")[3], 1L, Long::sum);
      }
    }
    return states;
  }

  private static long processes() throws IOException {
    try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
      return entries
          .filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
          .count();
    }
  }

  private static String machine() throws IOException {
    String model =
        Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
            .filter(l -> l.startsWith("model name"))
            .findFirst()
            .orElse(": ?")
            .replaceAll(".*:\\s*", "");
    return Runtime.getRuntime().availableProcessors()
        + " CPUs ("
        + model
        + "), kernel "
        + System.getProperty("os.version");
  }

  // accept() returns the connections in the order the clients connected: one process each, in order
  private static InetSocketAddress clientEnd(Clients clients, int iteration) throws IOException {
    return (InetSocketAddress) clients.accepted().get(iteration % CLIENTS).getRemoteAddress();
  }

  private static InetSocketAddress serverEnd(Clients clients, int iteration) throws IOException {
    return (InetSocketAddress) clients.accepted().get(iteration % CLIENTS).getLocalAddress();
  }
}
