package io.postwarden.core.server;

import io.postwarden.core.policy.MailOrigin;
import io.postwarden.core.session.ConnectionDrop;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Admits connections within the session limits of their listener kind and of their peer. Called
 * from any event loop; every admitted connection holds its slots until {@link #release}.
 */
final class ConnectionGate {

  private record PeerSlot(MailOrigin origin, String peer) {}

  private final ListenerLimits limits;
  private final Map<MailOrigin, AtomicInteger> sessions = new EnumMap<>(MailOrigin.class);
  private final Map<PeerSlot, Integer> perPeer = new ConcurrentHashMap<>();

  ConnectionGate(ListenerLimits limits) {
    this.limits = limits;
    for (MailOrigin origin : MailOrigin.values()) {
      sessions.put(origin, new AtomicInteger());
    }
  }

  /**
   * @return null when admitted, else why not (and nothing is held)
   */
  ConnectionDrop admit(MailOrigin origin, String peer) {
    AtomicInteger count = sessions.get(origin);
    if (count.incrementAndGet() > limits.sessions(origin)) {
      count.decrementAndGet();
      return ConnectionDrop.SESSION_LIMIT;
    }
    boolean[] admitted = {false};
    perPeer.compute(
        new PeerSlot(origin, peer),
        (slot, held) -> {
          int current = held == null ? 0 : held;
          if (current >= limits.sessionsPerPeer()) {
            return held;
          }
          admitted[0] = true;
          return current + 1;
        });
    if (!admitted[0]) {
      count.decrementAndGet();
      return ConnectionDrop.PEER_LIMIT;
    }
    return null;
  }

  void release(MailOrigin origin, String peer) {
    sessions.get(origin).decrementAndGet();
    perPeer.computeIfPresent(
        new PeerSlot(origin, peer), (slot, held) -> held == 1 ? null : held - 1);
  }

  int active() {
    return sessions.values().stream().mapToInt(AtomicInteger::get).sum();
  }
}
