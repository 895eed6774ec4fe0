package io.postwarden.core.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The keys a configuration file may contain. Each module declares its own schema; the application
 * merges them with {@link #plus}, which is where two modules claiming the same key name is caught.
 */
public final class ConfigSchema {

  private final List<ConfigKey<?>> keys;
  private final Map<String, ConfigKey<?>> keysByName = new HashMap<>();

  /**
   * @throws IllegalArgumentException if two keys share a name
   */
  public ConfigSchema(Collection<ConfigKey<?>> keys) {
    this.keys = List.copyOf(keys);
    for (ConfigKey<?> key : this.keys) {
      if (keysByName.putIfAbsent(key.name(), key) != null) {
        throw new IllegalArgumentException(
            "configuration key '" + key.name() + "' is declared twice");
      }
    }
  }

  public static ConfigSchema of(ConfigKey<?>... keys) {
    return new ConfigSchema(List.of(keys));
  }

  /**
   * @throws IllegalArgumentException if both schemas declare a key of the same name
   */
  public ConfigSchema plus(ConfigSchema other) {
    List<ConfigKey<?>> merged = new ArrayList<>(keys);
    merged.addAll(other.keys);
    return new ConfigSchema(merged);
  }

  /** In declaration order, this schema's keys before those merged in with {@link #plus}. */
  public List<ConfigKey<?>> keys() {
    return keys;
  }

  public Optional<ConfigKey<?>> key(String name) {
    return Optional.ofNullable(keysByName.get(name));
  }
}
