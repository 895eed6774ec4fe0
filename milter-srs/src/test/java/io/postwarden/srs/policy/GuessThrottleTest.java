package io.postwarden.srs.policy;

import static org.junit.jupiter.api.Assertions.*;

import io.postwarden.core.policy.ClientAddress;
import io.postwarden.core.testing.MutableClock;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class GuessThrottleTest {

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T10:00:00Z"));

  private GuessThrottle throttle(int limit, int maxClients) {
    return new GuessThrottle(
        new GuessThrottle.Settings(
            limit, Duration.ofMinutes(10), Duration.ofMinutes(15), maxClients),
        clock);
  }

  private static ClientAddress client(String ip) throws Exception {
    InetAddress address = InetAddress.getByName(ip);
    return new ClientAddress(
        address.getAddress().length == 4 ? ClientAddress.Family.INET4 : ClientAddress.Family.INET6,
        address,
        25,
        null);
  }

  @Test
  void invalidRecipientsSpreadWiderThanTheWindowNeverLockOut() throws Exception {
    GuessThrottle throttle = throttle(3, 10);
    ClientAddress mx = client("198.51.100.1");
    for (int i = 0; i < 10; i++) {
      throttle.invalid(mx);
      clock.advance(Duration.ofSeconds(6 * 60));
    }
    assertFalse(throttle.lockedOut(mx));
  }

  @Test
  void oneIpv6HostIsOneClientWhateverItsAddressInThe64() throws Exception {
    GuessThrottle throttle = throttle(2, 10);
    throttle.invalid(client("2001:db8:1:2::1"));
    throttle.invalid(client("2001:db8:1:2:ffff::9"));
    assertTrue(throttle.lockedOut(client("2001:db8:1:2::77")));
    assertFalse(throttle.lockedOut(client("2001:db8:1:3::1")));
  }

  @Test
  void memoryIsBoundedLeastRecentlySeenForgottenFirst() throws Exception {
    GuessThrottle throttle = throttle(1, 3);
    ClientAddress first = client("203.0.113.1");
    throttle.invalid(first);
    assertTrue(throttle.lockedOut(first));
    for (int i = 2; i <= 4; i++) {
      throttle.invalid(client("203.0.113." + i));
    }
    assertFalse(throttle.lockedOut(first), "forgotten: the map holds 3 clients");
    assertTrue(throttle.lockedOut(client("203.0.113.4")));
  }

  @Test
  void zeroTurnsItOff() throws Exception {
    GuessThrottle throttle = throttle(0, 3);
    ClientAddress guesser = client("203.0.113.1");
    for (int i = 0; i < 100; i++) {
      throttle.invalid(guesser);
    }
    assertFalse(throttle.lockedOut(guesser));
  }
}
