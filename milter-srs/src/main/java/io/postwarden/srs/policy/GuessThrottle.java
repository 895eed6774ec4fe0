package io.postwarden.srs.policy;

import io.postwarden.core.bounded.LruMap;
import io.postwarden.core.policy.ClientAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * Stops the RCPT reply from working as a hash oracle. After {@code limit} invalid SRS recipients
 * from one client within {@code window}, every SRS recipient from that client gets the same
 * temporary refusal for {@code lockout}, valid or not, so guessing learns nothing; real bounces are
 * only delayed (their MTA retries). Clients are IPv4 addresses or IPv6 /64 networks (one host
 * usually holds a whole /64). At most {@code maxClients} are remembered, least recently seen
 * forgotten first: memory stays bounded whatever a botnet does, and a forgotten client has only
 * earned itself another {@code limit} guesses.
 */
public final class GuessThrottle {

  /**
   * @param limit invalid SRS recipients that start a lockout; 0 turns the throttle off
   */
  public record Settings(int limit, Duration window, Duration lockout, int maxClients) {}

  private static final class Client {
    Instant windowStart;
    int invalid;
    Instant lockedUntil = Instant.MIN;
  }

  private final Settings settings;
  private final Clock clock;
  private final Map<String, Client> clients;

  public GuessThrottle(Settings settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
    this.clients = new LruMap<>(settings.maxClients());
  }

  /** Whether this client's SRS recipients are being turned away for now. */
  synchronized boolean lockedOut(ClientAddress client) {
    Client state = clients.get(key(client));
    return state != null && clock.instant().isBefore(state.lockedUntil);
  }

  /** Records one invalid SRS recipient; the one that reaches the limit starts the lockout. */
  synchronized void invalid(ClientAddress client) {
    if (settings.limit() == 0) {
      return;
    }
    Instant now = clock.instant();
    Client state = clients.computeIfAbsent(key(client), k -> new Client());
    if (state.windowStart == null || !now.isBefore(state.windowStart.plus(settings.window()))) {
      state.windowStart = now;
      state.invalid = 0;
    }
    state.invalid++;
    if (state.invalid >= settings.limit()) {
      state.lockedUntil = now.plus(settings.lockout());
      state.windowStart = null;
    }
  }

  /**
   * IPv4 address, IPv6 /64, or the family for clients without an address (all local submissions
   * share one).
   */
  static String key(ClientAddress client) {
    if (client.family() == ClientAddress.Family.INET6) {
      byte[] bytes = client.address().getAddress();
      StringBuilder prefix = new StringBuilder("v6:");
      for (int i = 0; i < 8; i++) {
        prefix.append(String.format("%02x", bytes[i]));
      }
      return prefix.toString();
    }
    return client.isTcp() ? client.address().getHostAddress() : client.family().name();
  }
}
