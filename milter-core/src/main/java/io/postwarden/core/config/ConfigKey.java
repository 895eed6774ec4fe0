package io.postwarden.core.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One setting: its name in the file, its type, its default and its documentation.
 *
 * <p>Keys are compared by identity: a {@link Config} only answers for the very key objects of its
 * schema. Conversion and validation failures are {@link IllegalArgumentException}s whose message is
 * written for the administrator; {@link Config} prefixes it with the file, line and key.
 */
public final class ConfigKey<T> {

  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]*");

  /** Up to ten digits, so the value always fits a long and the range check does the rest. */
  private static final Pattern INTEGER = Pattern.compile("[+-]?\\d{1,10}");

  /** Up to nine digits, so that even a number of days stays far from overflowing a Duration. */
  private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)?");

  /** Up to nine digits, so that even gibibytes stay far from overflowing a long. */
  private static final Pattern SIZE =
      Pattern.compile("(\\d{1,9})([kmg])?", Pattern.CASE_INSENSITIVE);

  private final String name;
  private final T defaultValue;
  private final String doc;
  private final Function<ConfigValue, T> reader;
  private final Consumer<T> check;

  private ConfigKey(
      String name, T defaultValue, String doc, Function<ConfigValue, T> reader, Consumer<T> check) {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("key name must match [a-z][a-z0-9-]*: '" + name + "'");
    }
    this.name = name;
    this.defaultValue = defaultValue;
    this.doc = Objects.requireNonNull(doc, "doc");
    this.reader = reader;
    this.check = check;
  }

  private static <T> ConfigKey<T> create(
      String name, T defaultValue, String doc, Function<ConfigValue, T> reader) {
    return new ConfigKey<>(name, defaultValue, doc, reader, value -> {});
  }

  public static ConfigKey<String> string(String name, String defaultValue, String doc) {
    return create(
        name, Objects.requireNonNull(defaultValue, "defaultValue"), doc, ConfigValue::single);
  }

  public static ConfigKey<Integer> integer(
      String name, int defaultValue, int min, int max, String doc) {
    if (defaultValue < min || defaultValue > max) {
      throw new IllegalArgumentException(
          "default " + defaultValue + " of '" + name + "' is not within " + min + " to " + max);
    }
    return create(name, defaultValue, doc, value -> parseInteger(value.single(), min, max));
  }

  /** Accepts true/false, yes/no and on/off in any case, as libconfuse does. */
  public static ConfigKey<Boolean> bool(String name, boolean defaultValue, String doc) {
    return create(name, defaultValue, doc, value -> parseBoolean(value.single()));
  }

  /**
   * Accepts {@code 250ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 1d}; a bare number counts as
   * seconds.
   */
  public static ConfigKey<Duration> duration(String name, Duration defaultValue, String doc) {
    return create(
        name,
        Objects.requireNonNull(defaultValue, "defaultValue"),
        doc,
        value -> parseDuration(value.single()));
  }

  /**
   * Bytes: {@code 512k}, {@code 4m}, {@code 1g} (powers of 1024), or a bare number of bytes; within
   * min to max.
   */
  public static ConfigKey<Long> size(
      String name, long defaultValue, long min, long max, String doc) {
    if (defaultValue < min || defaultValue > max) {
      throw new IllegalArgumentException(
          "default " + defaultValue + " of '" + name + "' is not within " + min + " to " + max);
    }
    return create(name, defaultValue, doc, value -> parseSize(value.single(), min, max));
  }

  /** A single value in the file is accepted as a one-element list. */
  public static ConfigKey<List<String>> list(String name, List<String> defaultValue, String doc) {
    return create(name, List.copyOf(defaultValue), doc, ConfigValue::items);
  }

  /**
   * @param defaultValue null when the setting has no default, e.g. an optional file
   */
  public static ConfigKey<Path> path(String name, Path defaultValue, String doc) {
    return create(name, defaultValue, doc, value -> parsePath(value.single()));
  }

  /**
   * A key of any type. {@code parser} reports a bad value by throwing an {@link
   * IllegalArgumentException} whose message tells the administrator what is wrong.
   *
   * @param defaultValue null when the setting has no default
   */
  public static <T> ConfigKey<T> of(
      String name, T defaultValue, Function<String, T> parser, String doc) {
    Objects.requireNonNull(parser, "parser");
    return create(name, defaultValue, doc, value -> parser.apply(value.single()));
  }

  /**
   * Returns a key that also runs {@code check} on every value read from a file. The default is
   * checked right here, because a default that fails its own check is a programming error, not a
   * configuration error.
   */
  public ConfigKey<T> validatedBy(Consumer<T> check) {
    Objects.requireNonNull(check, "check");
    if (defaultValue != null) {
      try {
        check.accept(defaultValue);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "default value of '" + name + "' is invalid: " + e.getMessage(), e);
      }
    }
    return new ConfigKey<>(name, defaultValue, doc, reader, this.check.andThen(check));
  }

  public String name() {
    return name;
  }

  public String doc() {
    return doc;
  }

  public T defaultValue() {
    return defaultValue;
  }

  /**
   * Converts and checks a value from a file; throws {@link IllegalArgumentException} if it is
   * unfit.
   */
  T read(ConfigValue value) {
    T converted = reader.apply(value);
    check.accept(converted);
    return converted;
  }

  private static int parseInteger(String text, int min, int max) {
    if (INTEGER.matcher(text).matches()) {
      long number = Long.parseLong(text);
      if (number >= min && number <= max) {
        return (int) number;
      }
    }
    throw new IllegalArgumentException(
        "expected an integer from " + min + " to " + max + ", got " + quote(text));
  }

  private static boolean parseBoolean(String text) {
    return switch (text.toLowerCase(Locale.ROOT)) {
      case "true", "yes", "on" -> true;
      case "false", "no", "off" -> false;
      default ->
          throw new IllegalArgumentException(
              "expected true/false, yes/no or on/off, got " + quote(text));
    };
  }

  private static Duration parseDuration(String text) {
    Matcher matcher = DURATION.matcher(text);
    if (!matcher.matches()) {
      throw new IllegalArgumentException(
          "expected a duration such as 250ms, 30s, 5m, 2h or 1d, got " + quote(text));
    }
    long amount = Long.parseLong(matcher.group(1));
    String unit = matcher.group(2) == null ? "s" : matcher.group(2);
    return switch (unit) {
      case "ms" -> Duration.ofMillis(amount);
      case "s" -> Duration.ofSeconds(amount);
      case "m" -> Duration.ofMinutes(amount);
      case "h" -> Duration.ofHours(amount);
      default -> Duration.ofDays(amount);
    };
  }

  private static long parseSize(String text, long min, long max) {
    Matcher matcher = SIZE.matcher(text);
    if (matcher.matches()) {
      String unit = matcher.group(2) == null ? "" : matcher.group(2).toLowerCase(Locale.ROOT);
      long bytes =
          Long.parseLong(matcher.group(1))
              << switch (unit) {
                case "k" -> 10;
                case "m" -> 20;
                case "g" -> 30;
                default -> 0;
              };
      if (bytes >= min && bytes <= max) {
        return bytes;
      }
    }
    throw new IllegalArgumentException(
        "expected a size from "
            + min
            + " to "
            + max
            + " bytes, such as 512k, 4m "
            + "or 1g, got "
            + quote(text));
  }

  private static Path parsePath(String text) {
    if (text.isEmpty()) {
      throw new IllegalArgumentException("expected a path, got \"\"");
    }
    try {
      return Path.of(text);
    } catch (InvalidPathException e) {
      throw new IllegalArgumentException("invalid path " + quote(text) + ": " + e.getReason(), e);
    }
  }

  /**
   * Quotes a value the way the file would, so the message shows exactly what was read, on one line.
   */
  private static String quote(String text) {
    String escaped =
        text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n").replace("\t", "\\t");
    return '"' + escaped + '"';
  }
}
