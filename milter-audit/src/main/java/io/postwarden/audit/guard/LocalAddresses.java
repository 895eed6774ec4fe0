package io.postwarden.audit.guard;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Tells whether a client address belongs to this host: any loopback form (127.0.0.0/8, ::1;
 * v4-mapped forms arrive as IPv4 already) or an address of one of its interfaces. Interface
 * addresses are re-read when older than {@code maxAge}, so an address added at runtime is
 * recognised within that time.
 */
public final class LocalAddresses {

  private final Supplier<Set<InetAddress>> interfaceAddresses;
  private final Duration maxAge;
  private final Clock clock;
  private volatile Snapshot snapshot;

  private record Snapshot(Set<InetAddress> addresses, Instant readAt) {}

  public LocalAddresses(
      Supplier<Set<InetAddress>> interfaceAddresses, Duration maxAge, Clock clock) {
    this.interfaceAddresses = interfaceAddresses;
    this.maxAge = maxAge;
    this.clock = clock;
  }

  /** The host's real interfaces, re-read at most every five seconds. */
  public static LocalAddresses ofThisHost() {
    return new LocalAddresses(
        LocalAddresses::readInterfaces, Duration.ofSeconds(5), Clock.systemUTC());
  }

  public boolean isLocal(InetAddress address) {
    return address.isLoopbackAddress() || current().contains(address);
  }

  private Set<InetAddress> current() {
    Snapshot seen = snapshot;
    Instant now = clock.instant();
    if (seen == null || !now.isBefore(seen.readAt().plus(maxAge))) {
      seen = new Snapshot(Set.copyOf(interfaceAddresses.get()), now);
      snapshot = seen;
    }
    return seen.addresses();
  }

  private static Set<InetAddress> readInterfaces() {
    Set<InetAddress> addresses = new HashSet<>();
    try {
      var interfaces = NetworkInterface.getNetworkInterfaces();
      while (interfaces.hasMoreElements()) {
        interfaces
            .nextElement()
            .inetAddresses()
            .forEach(address -> addresses.add(withoutScope(address)));
      }
    } catch (SocketException e) {
      throw new IllegalStateException("cannot list network interfaces: " + e.getMessage(), e);
    }
    return addresses;
  }

  /**
   * Interface IPv6 addresses carry a scope id (fe80::1%eth0); client addresses from Postfix do not.
   */
  private static InetAddress withoutScope(InetAddress address) {
    try {
      return InetAddress.getByAddress(address.getAddress());
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }
}
