package io.postwarden.srs.lazy;

import io.postwarden.core.bounded.LruMap;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Remembered SPF outcomes, each until its expiry; at most {@code capacity} entries, the least
 * recently used forgotten first, so a flood of new sender domains costs bounded memory.
 * Thread-safe.
 */
final class SpfCache {

  private record Entry(boolean passes, Instant expires) {}

  private final Clock clock;
  private final Map<String, Entry> entries;

  SpfCache(int capacity, Clock clock) {
    this.clock = clock;
    this.entries = new LruMap<>(capacity);
  }

  /** Whether SPF passed for {@code key}, if remembered and not expired. */
  synchronized Optional<Boolean> get(String key) {
    Entry entry = entries.get(key);
    if (entry == null) {
      return Optional.empty();
    }
    if (!clock.instant().isBefore(entry.expires())) {
      entries.remove(key);
      return Optional.empty();
    }
    return Optional.of(entry.passes());
  }

  /** Remembers an outcome for {@code ttl}; a zero TTL (do not cache) is not remembered. */
  synchronized void put(String key, boolean passes, java.time.Duration ttl) {
    if (!ttl.isNegative() && !ttl.isZero()) {
      entries.put(key, new Entry(passes, clock.instant().plus(ttl)));
    }
  }
}
