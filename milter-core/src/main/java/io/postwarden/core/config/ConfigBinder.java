package io.postwarden.core.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Gives parsed entries their types according to a schema, collecting every problem rather than
 * stopping at the first: unknown keys, keys given twice, and values their key rejects.
 */
final class ConfigBinder {

  /**
   * The values given in the file, by key, and the problems found; the values are only usable
   * without problems.
   */
  record Result(Map<ConfigKey<?>, Object> values, List<ConfigProblem> problems) {}

  private ConfigBinder() {}

  static Result bind(List<ConfigEntry> entries, ConfigSchema schema) {
    Map<ConfigKey<?>, Object> values = new HashMap<>();
    Map<String, Integer> firstLines = new HashMap<>();
    List<ConfigProblem> problems = new ArrayList<>();
    for (ConfigEntry entry : entries) {
      Optional<ConfigKey<?>> key = schema.key(entry.key());
      if (key.isEmpty()) {
        problems.add(unknownKey(entry, schema));
        continue;
      }
      Integer firstLine = firstLines.putIfAbsent(entry.key(), entry.line());
      if (firstLine != null) {
        problems.add(
            new ConfigProblem(
                entry.line(),
                entry.key(),
                "duplicate key '" + entry.key() + "' (first given on line " + firstLine + ")"));
      }
      // read even a duplicate, so that a bad value in it is reported in the same run
      try {
        values.put(key.get(), key.get().read(entry.value()));
      } catch (IllegalArgumentException e) {
        String reason = Objects.requireNonNullElse(e.getMessage(), "invalid value");
        problems.add(new ConfigProblem(entry.line(), entry.key(), entry.key() + ": " + reason));
      }
    }
    return new Result(values, problems);
  }

  private static ConfigProblem unknownKey(ConfigEntry entry, ConfigSchema schema) {
    List<String> known = schema.keys().stream().map(ConfigKey::name).toList();
    String suggestion =
        DidYouMean.suggest(entry.key(), known)
            .map(name -> " (did you mean '" + name + "'?)")
            .orElse("");
    return new ConfigProblem(
        entry.line(), entry.key(), "unknown key '" + entry.key() + "'" + suggestion);
  }
}
