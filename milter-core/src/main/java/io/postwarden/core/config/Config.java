package io.postwarden.core.config;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The settings read from one configuration file, with every key of the schema not given at its
 * default.
 */
public final class Config {

  private final ConfigSchema schema;
  private final Map<ConfigKey<?>, Object> givenValues;
  private final Path source;

  private Config(ConfigSchema schema, Map<ConfigKey<?>, Object> givenValues, Path source) {
    this.schema = schema;
    this.givenValues = Collections.unmodifiableMap(givenValues);
    this.source = source;
  }

  /**
   * Reads {@code file} as UTF-8; all its problems, or why it cannot be read, are reported together.
   */
  public static Config load(Path file, ConfigSchema schema) throws ConfigException {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw ConfigException.unreadable(file.toString(), "cannot read: " + describe(e), e);
    }
    return read(text, file.toString(), schema, file);
  }

  /**
   * @param sourceName names the text in error messages, e.g. "--config-text"
   */
  public static Config parse(String text, String sourceName, ConfigSchema schema)
      throws ConfigException {
    return read(text, Objects.requireNonNull(sourceName, "sourceName"), schema, null);
  }

  public static Config defaults(ConfigSchema schema) {
    return new Config(schema, Map.of(), null);
  }

  private static Config read(String text, String sourceName, ConfigSchema schema, Path source)
      throws ConfigException {
    ConfigParser.Result parsed = ConfigParser.parse(text);
    ConfigBinder.Result bound = ConfigBinder.bind(parsed.entries(), schema);
    List<ConfigProblem> problems = new ArrayList<>(parsed.problems());
    problems.addAll(bound.problems());
    if (!problems.isEmpty()) {
      throw ConfigException.of(sourceName, problems);
    }
    return new Config(schema, bound.values(), source);
  }

  /** The IOException messages name just the file, which the problem line already does. */
  private static String describe(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "no such file";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof CharacterCodingException) {
      return "not valid UTF-8";
    }
    return Objects.requireNonNullElse(e.getMessage(), e.getClass().getSimpleName());
  }

  /**
   * The value given in the file, or the key's default.
   *
   * @throws IllegalArgumentException if {@code key} is not one of this configuration's schema
   */
  public <T> T get(ConfigKey<T> key) {
    requireInSchema(key);
    if (!givenValues.containsKey(key)) {
      return key.defaultValue();
    }
    @SuppressWarnings("unchecked") // stored by the binder as the value this very key read
    T value = (T) givenValues.get(key);
    return value;
  }

  /**
   * The file this configuration was loaded from; empty for {@link #parse} and {@link #defaults}.
   */
  public Optional<Path> source() {
    return Optional.ofNullable(source);
  }

  /** Whether the file gave {@code key} explicitly, even if to its default value. */
  public boolean isSet(ConfigKey<?> key) {
    requireInSchema(key);
    return givenValues.containsKey(key);
  }

  private void requireInSchema(ConfigKey<?> key) {
    // by identity: a same-named key from elsewhere may have another type or validation
    if (schema.key(key.name()).orElse(null) != key) {
      throw new IllegalArgumentException(
          "key '" + key.name() + "' is not part of this configuration's schema");
    }
  }
}
