package io.postwarden.core.policy;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Facts a policy learns once per SMTP session and uses later (e.g. the process behind a local
 * client, looked up at CONNECT and written at end of message). Keyed by type so policies cannot
 * collide.
 */
public final class SessionAttributes {

  private final Map<Class<?>, Object> values = new ConcurrentHashMap<>();

  public <T> void put(Class<T> type, T value) {
    values.put(type, value);
  }

  public <T> Optional<T> get(Class<T> type) {
    return Optional.ofNullable(type.cast(values.get(type)));
  }

  /** Takes out a fact meant for one moment of the session only. */
  public <T> Optional<T> remove(Class<T> type) {
    return Optional.ofNullable(type.cast(values.remove(type)));
  }
}
