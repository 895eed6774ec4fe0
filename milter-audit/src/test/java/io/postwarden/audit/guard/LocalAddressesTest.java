package io.postwarden.audit.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.postwarden.core.testing.MutableClock;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LocalAddressesTest {

  private static final Duration MAX_AGE = Duration.ofSeconds(5);

  /** The host's interface addresses as the test sets them, counting how often they are read. */
  static final class Interfaces implements Supplier<Set<InetAddress>> {
    final Set<InetAddress> addresses = ConcurrentHashMap.newKeySet();
    final AtomicInteger reads = new AtomicInteger();

    @Override
    public Set<InetAddress> get() {
      reads.incrementAndGet();
      return Set.copyOf(addresses);
    }
  }

  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final Interfaces interfaces = new Interfaces();
  private final LocalAddresses local = new LocalAddresses(interfaces, MAX_AGE, clock);

  static InetAddress ip(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "127.0.0.1",
        "127.0.0.2",
        "127.1.2.3",
        "127.255.255.254",
        "127.255.255.255",
        "127.0.0.0",
        "::1",
        "0:0:0:0:0:0:0:1",
        "::ffff:127.0.0.1",
        "::ffff:127.255.255.254"
      })
  void everyLoopbackFormIsLocalWithNoInterfaces(String address) {
    assertTrue(local.isLocal(ip(address)), address);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "192.0.2.1",
        "10.0.0.1",
        "128.0.0.1",
        "126.255.255.255",
        "0.0.0.0",
        "::2",
        "::",
        "2001:db8::1",
        "fe80::1",
        "::ffff:192.0.2.1"
      })
  void remoteAddressesAreNotLocal(String address) {
    interfaces.addresses.add(ip("192.0.2.10"));
    interfaces.addresses.add(ip("2001:db8::10"));

    assertFalse(local.isLocal(ip(address)), address);
  }

  @Test
  void interfaceAddressesAreLocal() {
    interfaces.addresses.addAll(List.of(ip("192.0.2.10"), ip("2001:db8::10")));

    assertTrue(local.isLocal(ip("192.0.2.10")));
    assertTrue(local.isLocal(ip("2001:db8::10")));
    assertTrue(local.isLocal(ip("::ffff:192.0.2.10")), "the v4-mapped form of an own address");
    assertFalse(local.isLocal(ip("192.0.2.11")));
    assertFalse(local.isLocal(ip("2001:db8::11")));
  }

  @Test
  void interfacesAreReadOnceWithinMaxAge() {
    interfaces.addresses.add(ip("192.0.2.10"));

    for (int i = 0; i < 10; i++) {
      local.isLocal(ip("192.0.2.10"));
      local.isLocal(ip("192.0.2.99"));
      clock.advance(Duration.ofMillis(400));
    }

    assertEquals(1, interfaces.reads.get());
  }

  @Test
  void anAddressAddedLaterBecomesLocalOnlyAfterTheRefresh() {
    InetAddress added = ip("192.0.2.20");
    assertFalse(local.isLocal(added));

    interfaces.addresses.add(added);
    clock.advance(MAX_AGE.minusMillis(1));
    assertFalse(local.isLocal(added), "still the old snapshot");

    clock.advance(Duration.ofMillis(2));
    assertTrue(local.isLocal(added), "re-read once older than maxAge");
    assertEquals(2, interfaces.reads.get());
  }

  @Test
  void aRemovedAddressStopsBeingLocalAfterTheRefresh() {
    InetAddress removed = ip("2001:db8::20");
    interfaces.addresses.add(removed);
    assertTrue(local.isLocal(removed));

    interfaces.addresses.remove(removed);
    clock.advance(Duration.ofSeconds(1));
    assertTrue(local.isLocal(removed), "still the old snapshot");

    clock.advance(MAX_AGE);
    assertFalse(local.isLocal(removed));
  }

  @Test
  void refreshesAgainAfterEachMaxAge() {
    InetAddress a = ip("192.0.2.30");
    InetAddress b = ip("192.0.2.31");
    interfaces.addresses.add(a);
    assertTrue(local.isLocal(a));

    interfaces.addresses.remove(a);
    interfaces.addresses.add(b);
    clock.advance(MAX_AGE.plusSeconds(1));
    assertFalse(local.isLocal(a));
    assertTrue(local.isLocal(b));

    interfaces.addresses.add(a);
    clock.advance(MAX_AGE.plusSeconds(1));
    assertTrue(local.isLocal(a));
    assertEquals(3, interfaces.reads.get());
  }

  @Test
  void loopbackNeverDependsOnTheInterfaceList() {
    interfaces.addresses.add(ip("192.0.2.10"));
    assertTrue(local.isLocal(ip("127.0.0.1")));
    assertTrue(local.isLocal(ip("::1")));
  }

  @Test
  void thisHostKnowsItsOwnInterfaceAddresses() throws Exception {
    LocalAddresses host = LocalAddresses.ofThisHost();
    for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      for (InetAddress address : Collections.list(nif.getInetAddresses())) {
        // as Postfix reports it: no scope id
        InetAddress asReported = InetAddress.getByAddress(address.getAddress());
        assertTrue(host.isLocal(asReported), asReported + " on " + nif.getName());
      }
    }
    assertFalse(host.isLocal(ip("192.0.2.254")), "TEST-NET-1 is never configured on a build host");
  }
}
