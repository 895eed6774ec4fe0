package io.postwarden.core.bounded;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A map that holds at most {@code capacity} entries, dropping the one used longest ago: for state
 * keyed by what clients send (addresses, domains, uids, command lines), which must not grow with
 * them. Not thread-safe; callers synchronise.
 */
public final class LruMap<K, V> extends LinkedHashMap<K, V> {

  private final int capacity;

  public LruMap(int capacity) {
    super(16, 0.75f, true);
    this.capacity = capacity;
  }

  @Override
  protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
    return size() > capacity;
  }
}
