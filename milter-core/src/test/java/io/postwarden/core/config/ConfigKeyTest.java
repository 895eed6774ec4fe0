package io.postwarden.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigKeyTest {

  private static <T> T read(ConfigKey<T> key, String text) throws ConfigException {
    return Config.parse(key.name() + " = " + text, "test.conf", ConfigSchema.of(key)).get(key);
  }

  private static String problem(ConfigKey<?> key, String text) {
    return assertThrows(ConfigException.class, () -> read(key, text)).getMessage();
  }

  @Test
  void describesItself() {
    ConfigKey<Integer> key = ConfigKey.integer("hash-length", 4, 1, 32, "Length of the hash");

    assertEquals("hash-length", key.name());
    assertEquals("Length of the hash", key.doc());
    assertEquals(4, key.defaultValue());
  }

  @Test
  void durationUnits() throws ConfigException {
    ConfigKey<Duration> key = ConfigKey.duration("timeout", Duration.ZERO, "Timeout");
    Map<String, Duration> expected =
        Map.of(
            "250ms", Duration.ofMillis(250),
            "30s", Duration.ofSeconds(30),
            "5m", Duration.ofMinutes(5),
            "2h", Duration.ofHours(2),
            "1d", Duration.ofDays(1),
            "45", Duration.ofSeconds(45),
            "\"10m\"", Duration.ofMinutes(10));

    for (Map.Entry<String, Duration> example : expected.entrySet()) {
      assertEquals(example.getValue(), read(key, example.getKey()), example.getKey());
    }
  }

  @Test
  void durationRejectsOtherForms() {
    ConfigKey<Duration> key = ConfigKey.duration("timeout", Duration.ZERO, "Timeout");

    for (String bad : List.of("-5s", "1.5h", "5M", "m", "1000000000d", "PT5S")) {
      assertEquals(
          "test.conf:1: timeout: expected a duration such as 250ms, 30s, 5m, 2h or 1d, got \""
              + bad
              + "\"",
          problem(key, bad));
    }
  }

  @Test
  void integerBoundsAreInclusiveAndSignsAllowed() throws ConfigException {
    ConfigKey<Integer> key = ConfigKey.integer("offset", 0, -10, 10, "Offset");

    assertEquals(-10, read(key, "-10"));
    assertEquals(10, read(key, "+10"));
    assertEquals(
        "test.conf:1: offset: expected an integer from -10 to 10, got \"11\"", problem(key, "11"));
    assertEquals(
        "test.conf:1: offset: expected an integer from -10 to 10, got \"1.0\"",
        problem(key, "1.0"));
  }

  @Test
  void integerAcceptsTheWholeIntRange() throws ConfigException {
    ConfigKey<Integer> key =
        ConfigKey.integer("any", 0, Integer.MIN_VALUE, Integer.MAX_VALUE, "Any int");

    assertEquals(Integer.MIN_VALUE, read(key, "-2147483648"));
    assertEquals(Integer.MAX_VALUE, read(key, "2147483647"));
  }

  @Test
  void integerDefaultOutsideItsRangeIsAProgrammingError() {
    assertThrows(IllegalArgumentException.class, () -> ConfigKey.integer("n", 0, 1, 10, "N"));
    assertThrows(IllegalArgumentException.class, () -> ConfigKey.integer("n", 5, 10, 1, "N"));
  }

  @Test
  void pathValue() throws ConfigException {
    ConfigKey<Path> key = ConfigKey.path("socket", null, "Socket");

    assertEquals(Path.of("/run/postwarden/milter.sock"), read(key, "/run/postwarden/milter.sock"));
    assertEquals(Path.of("relative dir/file"), read(key, "\"relative dir/file\""));
    assertEquals(
        "test.conf:1: socket: invalid path \"a\u0000b\": Nul character not allowed",
        problem(key, "a\u0000b"));
  }

  @Test
  void pathDefaultMayBeAbsent() {
    ConfigKey<Path> key = ConfigKey.path("socket", null, "Socket");

    assertNull(Config.defaults(ConfigSchema.of(key)).get(key));
  }

  @Test
  void listDefaultIsCopied() {
    List<String> original = new ArrayList<>(List.of("a"));
    ConfigKey<List<String>> key = ConfigKey.list("domains", original, "Domains");
    original.add("b");

    assertEquals(List.of("a"), key.defaultValue());
    assertThrows(UnsupportedOperationException.class, () -> key.defaultValue().add("c"));
  }

  @Test
  void listValueCannotBeModified() throws ConfigException {
    ConfigKey<List<String>> key = ConfigKey.list("domains", List.of(), "Domains");

    List<String> domains = read(key, "{ a, b }");

    assertThrows(UnsupportedOperationException.class, () -> domains.add("c"));
  }

  @Test
  void customParser() throws ConfigException {
    ConfigKey<Integer> key =
        ConfigKey.of("mode", 0, text -> Integer.parseInt(text, 8), "File mode");

    assertEquals(0640, read(key, "640"));
    assertEquals("test.conf:1: mode: expected a single value, got a list", problem(key, "{ 640 }"));
  }

  @Test
  void customKeyMayHaveNoDefault() {
    ConfigKey<Integer> key =
        ConfigKey.of("mode", null, Integer::parseInt, "File mode")
            .validatedBy(
                mode -> {
                  throw new IllegalArgumentException("never acceptable");
                });

    assertNull(Config.defaults(ConfigSchema.of(key)).get(key));
  }

  @Test
  void validatedByRejectsAnInvalidDefaultAtOnce() {
    ConfigKey<Integer> key = ConfigKey.integer("workers", 0, 0, 100, "Workers");

    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                key.validatedBy(
                    n -> {
                      if (n == 0) {
                        throw new IllegalArgumentException("must not be 0");
                      }
                    }));

    assertEquals("default value of 'workers' is invalid: must not be 0", e.getMessage());
  }

  @Test
  void validatedByChecksParsedValuesAndChains() throws ConfigException {
    ConfigKey<Integer> key =
        ConfigKey.integer("workers", 2, 1, 100, "Workers")
            .validatedBy(
                n -> {
                  if (n % 2 != 0) {
                    throw new IllegalArgumentException("must be even");
                  }
                })
            .validatedBy(
                n -> {
                  if (n > 50) {
                    throw new IllegalArgumentException("must be at most 50");
                  }
                });

    assertEquals(8, read(key, "8"));
    assertEquals("test.conf:1: workers: must be even", problem(key, "7"));
    assertEquals("test.conf:1: workers: must be at most 50", problem(key, "52"));
    assertEquals(
        "test.conf:1: workers: expected an integer from 1 to 100, got \"101\"",
        problem(key, "101"));
  }

  @Test
  void validatedByLeavesTheOriginalKeyUnchecked() throws ConfigException {
    ConfigKey<String> plain = ConfigKey.string("name", "x", "Name");
    plain.validatedBy(
        name -> {
          if (name.isEmpty()) {
            throw new IllegalArgumentException("must not be empty");
          }
        });

    assertEquals("", read(plain, "\"\""));
  }

  @Test
  void problemShowsTheValueEscapedOnOneLine() {
    ConfigKey<Boolean> key = ConfigKey.bool("flag", false, "Flag");

    assertEquals(
        "test.conf:1: flag: expected true/false, yes/no or on/off, got \"a\\\"b\\\\c\\nd\\te\"",
        problem(key, "\"a\\\"b\\\\c\\nd\\te\""));
  }

  @Test
  void keyNamesMustBeWritableInAFile() {
    for (String bad : List.of("", "Hash", "1st", "-x", "a_b", "a b")) {
      assertThrows(IllegalArgumentException.class, () -> ConfigKey.string(bad, "", "Doc"), bad);
    }
  }

  @Test
  void defaultsMustBePresentWhereTheTypeHasNoAbsentValue() {
    assertThrows(NullPointerException.class, () -> ConfigKey.string("s", null, "Doc"));
    assertThrows(NullPointerException.class, () -> ConfigKey.duration("d", null, "Doc"));
    assertThrows(NullPointerException.class, () -> ConfigKey.list("l", null, "Doc"));
  }
}
