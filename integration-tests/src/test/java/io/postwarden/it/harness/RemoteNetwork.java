package io.postwarden.it.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Remote hosts for end-to-end tests: a network namespace joined to this host by a veth pair, so
 * that Postfix sees clients arrive from real addresses that are not its own, as on a deployed
 * server.
 *
 * <p>Each network takes one of {@value #SLOTS} slots: a /27 of 198.51.100.0/24 or 203.0.113.0/24
 * and {@code 2001:db8:5057:1SLOT::/64} (documentation ranges). The host side of the pair ({@link
 * #serverAddress()}) is .1 and ::1 of the slot; the namespace side carries the remote hosts, .2 and
 * ::2 upwards. A slot is claimed by creating the host-side link {@code pwitSLOT}: link names are
 * unique on the host, so JVMs running side by side never share a slot. Slots whose subnet overlaps
 * a route the host already has are skipped (a build machine may itself sit in a documentation
 * range). Addresses are added with {@code nodad}, so IPv6 is usable at once.
 *
 * <p>The namespace is named {@code pwit-SLOT-PID-START} after the JVM that owns it. Before the
 * first network of a JVM is built, namespaces with that prefix whose JVM is gone are deleted (with
 * them their veth pairs), so a crashed run leaves nothing behind for long.
 *
 * <p>Clients run inside the namespace: {@link Host#smtp} starts {@code netns-bridge.py} there, a
 * process whose stdin/stdout are one TCP connection bound to the host's address, and {@link
 * SmtpClient} speaks SMTP over it.
 */
public final class RemoteNetwork implements AutoCloseable {

  static final int SLOTS = 16;

  /** Remote hosts per network (addresses on the namespace side). */
  public static final int HOSTS = 16;

  private static final String PREFIX = "pwit";
  private static final Pattern OWNED = Pattern.compile("^" + PREFIX + "-\\d+-(\\d+)-(\\d+)\\b");
  private static final Pattern ROUTE_PREFIX =
      Pattern.compile("^(?:[a-z]+ )?([0-9a-f.:]+(?:/\\d+)?)\\s");
  private static boolean reaped;

  private final int slot;
  private final boolean ipv6;
  private final String namespace;
  private volatile boolean closed;

  private RemoteNetwork(int slot, boolean ipv6, String namespace) {
    this.slot = slot;
    this.ipv6 = ipv6;
    this.namespace = namespace;
  }

  /** Builds a network in the first free slot; IPv6 addresses too when {@code ipv6}. */
  public static RemoteNetwork create(boolean ipv6) {
    reapStaleOnce();
    List<String> routes = routes();
    for (int slot = 0; slot < SLOTS; slot++) {
      int s = slot;
      if (routes.stream().anyMatch(r -> overlaps(r, subnetV4(s)) || overlaps(r, subnetV6(s)))) {
        continue;
      }
      String namespace =
          PREFIX + "-" + slot + "-" + ProcessHandle.current().pid() + "-" + jvmStart();
      ip("netns", "add", namespace).check();
      if (ip(
              "link",
              "add",
              hostLink(slot),
              "type",
              "veth",
              "peer",
              "name",
              hostLink(slot) + "r",
              "netns",
              namespace)
          .ok()) {
        RemoteNetwork network = new RemoteNetwork(slot, ipv6, namespace);
        try {
          network.configure();
        } catch (RuntimeException e) {
          network.close();
          throw e;
        }
        return network;
      }
      ip("netns", "delete", namespace); // another JVM claimed this slot in the meantime
    }
    throw new IllegalStateException(
        "no free remote-network slot (" + SLOTS + " in use or overlapping " + routes + ")");
  }

  private void configure() {
    String link = hostLink(slot);
    StringBuilder host =
        new StringBuilder("addr add " + serverAddress() + "/27 dev " + link + "\n");
    StringBuilder remote = new StringBuilder("link set lo up\nlink set " + link + "r up\n");
    for (int n = 1; n <= HOSTS; n++) {
      remote
          .append("addr add ")
          .append(hostAddress(n, false))
          .append("/27 dev ")
          .append(link)
          .append("r\n");
    }
    if (ipv6) {
      host.append("addr add ")
          .append(serverAddressV6())
          .append("/64 dev ")
          .append(link)
          .append(" nodad\n");
      for (int n = 1; n <= HOSTS; n++) {
        remote
            .append("addr add ")
            .append(hostAddress(n, true))
            .append("/64 dev ")
            .append(link)
            .append("r nodad\n");
      }
    }
    host.append("link set ").append(link).append(" up\n");
    batch(List.of(), host.toString());
    batch(List.of("-n", namespace), remote.toString());
  }

  /**
   * This server's address on the network (host side of the veth pair): one of its own,
   * non-loopback.
   */
  public String serverAddress() {
    return v4(slot, 1);
  }

  public String serverAddressV6() {
    requireIpv6();
    return v6Prefix(slot) + "1";
  }

  public boolean hasIpv6() {
    return ipv6;
  }

  /** Remote host {@code n} (1 to {@value #HOSTS}) over IPv4. */
  public Host host(int n) {
    return new Host(hostAddress(n, false), serverAddress());
  }

  /** Remote host {@code n} over IPv6. */
  public Host hostV6(int n) {
    requireIpv6();
    return new Host(hostAddress(n, true), serverAddressV6());
  }

  /** An MTA on the internet delivering to this server: no login, not in mynetworks. */
  public Host mta() {
    return host(1);
  }

  /** A user's mail program, which submits over the submission port with a login. */
  public Host client() {
    return host(2);
  }

  /** A second mail server of the same site, which relays through this one (in mynetworks). */
  public Host mailServer() {
    return host(3);
  }

  private String hostAddress(int n, boolean v6) {
    if (n < 1 || n > HOSTS) {
      throw new IllegalArgumentException("remote host " + n + " outside 1-" + HOSTS);
    }
    return v6 ? v6Prefix(slot) + Integer.toHexString(n + 1) : v4(slot, n + 1);
  }

  private void requireIpv6() {
    if (!ipv6) {
      throw new IllegalStateException("this remote network has no IPv6 addresses");
    }
  }

  /** Deletes the veth pair and the namespace; safe to call twice and from a shutdown hook. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    ip("link", "delete", hostLink(slot));
    ip("netns", "delete", namespace);
  }

  @Override
  public String toString() {
    return namespace + " (" + serverAddress() + (ipv6 ? ", " + serverAddressV6() : "") + ")";
  }

  /** A host on the remote network: one address inside the namespace. */
  public final class Host {
    private final String address;
    private final String server;

    private Host(String address, String server) {
      this.address = address;
      this.server = server;
    }

    public String address() {
      return address;
    }

    /**
     * An SMTP session from this host to this server's address on the network, port {@code port}.
     */
    public SmtpClient smtp(int port) {
      return SmtpClient.overProcess(
          List.of(
              "ip",
              "netns",
              "exec",
              namespace,
              "/usr/bin/python3",
              bridgeScript(),
              address,
              server,
              Integer.toString(port)));
    }

    @Override
    public String toString() {
      return address;
    }
  }

  // ---------------------------------------------------------------- slots and addresses

  static String subnetV4(int slot) {
    return v4(slot, 0) + "/27";
  }

  static String subnetV6(int slot) {
    return v6Prefix(slot) + "/64";
  }

  /**
   * Address {@code offset} of the slot's /27: 198.51.100.0/24 holds the first half of the slots,
   * 203.0.113.0/24 the rest.
   */
  private static String v4(int slot, int offset) {
    String network = slot < SLOTS / 2 ? "198.51.100" : "203.0.113";
    return network + "." + ((slot % (SLOTS / 2)) * 32 + offset);
  }

  /**
   * Group 4 is never 0, so addresses written as prefix + host are already in the compressed form
   * Postfix logs.
   */
  private static String v6Prefix(int slot) {
    return "2001:db8:5057:" + Integer.toHexString(0x10 + slot) + "::";
  }

  private static String hostLink(int slot) {
    return PREFIX + slot;
  }

  /**
   * Whether two prefixes ("a.b.c.d/n", "x::/n", or bare addresses) of the same family share an
   * address.
   */
  static boolean overlaps(String a, String b) {
    byte[] first = addressOf(a);
    byte[] second = addressOf(b);
    if (first.length != second.length) {
      return false;
    }
    int bits = Math.min(lengthOf(a, first), lengthOf(b, second));
    int total = first.length * 8;
    if (bits == 0) {
      return true;
    }
    BigInteger mask =
        BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE).shiftLeft(total - bits);
    return new BigInteger(1, first).and(mask).equals(new BigInteger(1, second).and(mask));
  }

  private static byte[] addressOf(String prefix) {
    try {
      return InetAddress.getByName(prefix.replaceFirst("/.*", "")).getAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not an address prefix: " + prefix, e);
    }
  }

  private static int lengthOf(String prefix, byte[] address) {
    int slash = prefix.indexOf('/');
    return slash < 0 ? address.length * 8 : Integer.parseInt(prefix.substring(slash + 1));
  }

  /** Every destination prefix in the host's routing tables, default routes left out. */
  private static List<String> routes() {
    List<String> prefixes = new ArrayList<>();
    for (String family : List.of("-4", "-6")) {
      prefixes.addAll(routePrefixes(ip(family, "route", "show", "table", "all").check().stdout()));
    }
    return prefixes;
  }

  static List<String> routePrefixes(String ipRouteOutput) {
    List<String> prefixes = new ArrayList<>();
    for (String line : ipRouteOutput.split("\n")) {
      Matcher m = ROUTE_PREFIX.matcher(line + " ");
      if (m.find()) {
        prefixes.add(m.group(1));
      }
    }
    return prefixes;
  }

  // ---------------------------------------------------------------- processes

  private static void reapStaleOnce() {
    synchronized (RemoteNetwork.class) {
      if (reaped) {
        return;
      }
      reaped = true;
    }
    for (String line : ip("netns", "list").check().stdout().split("\n")) {
      Matcher m = OWNED.matcher(line);
      if (m.find() && !ownerAlive(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)))) {
        String stale = line.split("\\s")[0];
        System.err.println("[mailstack] deleting stale network namespace " + stale);
        // its veth pair goes with it; the link name is not deleted by name, another JVM may hold
        // that slot by now
        ip("netns", "delete", stale);
      }
    }
  }

  private static boolean ownerAlive(long pid, long startSeconds) {
    Optional<ProcessHandle> owner = ProcessHandle.of(pid);
    if (owner.isEmpty() || !Daemons.alive(pid)) {
      return false;
    }
    // a different start time means the pid was reused; when unknown, leave the namespace alone
    return owner
        .get()
        .info()
        .startInstant()
        .map(start -> Math.abs(start.getEpochSecond() - startSeconds) <= 1)
        .orElse(true);
  }

  private static long jvmStart() {
    return ProcessHandle.current().info().startInstant().map(Instant::getEpochSecond).orElse(0L);
  }

  private static Exec.Result ip(String... args) {
    List<String> command = new ArrayList<>(List.of("ip"));
    command.addAll(List.of(args));
    return Exec.run(command);
  }

  private static void batch(List<String> options, String commands) {
    List<String> command = new ArrayList<>(List.of("ip"));
    command.addAll(options);
    command.addAll(List.of("-batch", "-"));
    Exec.run(
            command,
            java.util.Map.of(),
            commands.getBytes(StandardCharsets.US_ASCII),
            Duration.ofSeconds(30))
        .check();
  }

  /**
   * A copy of the bridge script in {@code dir} (made once), for a process of another user: the
   * build's own copy may lie under a directory only root can enter.
   */
  static synchronized Path bridgeScriptIn(Path dir) {
    Path copy = dir.resolve("netns-bridge.py");
    if (!Files.exists(copy)) {
      try {
        Workspace.writeBackdated(copy, Files.readString(Path.of(bridgeScript())));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return copy;
  }

  private static String bridgeScript() {
    try {
      return Path.of(RemoteNetwork.class.getResource("netns-bridge.py").toURI()).toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
