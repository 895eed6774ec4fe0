package io.postwarden.core.config;

import static io.postwarden.core.config.ExampleKeys.parseFailure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Every kind of problem, with the exact message an administrator sees. */
class ConfigErrorsTest {

  private static void assertProblem(String text, int line, String key, String message) {
    ConfigException e = parseFailure(text);
    assertEquals(message, e.getMessage());
    assertEquals("test.conf", e.file());
    assertEquals(line, e.line());
    assertEquals(key, e.key());
  }

  @Test
  void integerThatIsNotANumber() {
    assertProblem(
        "\n\nhash-length = abc",
        3,
        "hash-length",
        "test.conf:3: hash-length: expected an integer from 4 to 32, got \"abc\"");
  }

  @Test
  void integerOutOfRange() {
    assertProblem(
        "hash-length = 33",
        1,
        "hash-length",
        "test.conf:1: hash-length: expected an integer from 4 to 32, got \"33\"");
    assertProblem(
        "hash-length = 3",
        1,
        "hash-length",
        "test.conf:1: hash-length: expected an integer from 4 to 32, got \"3\"");
    assertProblem(
        "hash-length = 99999999999",
        1,
        "hash-length",
        "test.conf:1: hash-length: expected an integer from 4 to 32, got \"99999999999\"");
  }

  @Test
  void invalidBoolean() {
    assertProblem(
        "always-rewrite = maybe",
        1,
        "always-rewrite",
        "test.conf:1: always-rewrite: expected true/false, yes/no or on/off, got \"maybe\"");
  }

  @Test
  void invalidDuration() {
    assertProblem(
        "keep-alive = 30 s",
        1,
        null,
        "test.conf:1: syntax error: unexpected 's' after the value of 'keep-alive'");
    assertProblem(
        "keep-alive = 30sec",
        1,
        "keep-alive",
        "test.conf:1: keep-alive: expected a duration such as 250ms, 30s, 5m, 2h or 1d, got \"30sec\"");
  }

  @Test
  void emptyPath() {
    assertProblem(
        "secrets-file = \"\"",
        1,
        "secrets-file",
        "test.conf:1: secrets-file: expected a path, got \"\"");
  }

  @Test
  void listForAScalarKey() {
    assertProblem(
        "srs-domain = { a, b }",
        1,
        "srs-domain",
        "test.conf:1: srs-domain: expected a single value, got a list");
  }

  @Test
  void validationOfAParsedValue() {
    assertProblem(
        "separator = \"*\"", 1, "separator", "test.conf:1: separator: must be one of =, + or -");
  }

  @Test
  void unknownKeyWithSuggestion() {
    assertProblem(
        "hash-lenght = 4",
        1,
        "hash-lenght",
        "test.conf:1: unknown key 'hash-lenght' (did you mean 'hash-length'?)");
  }

  @Test
  void unknownKeyWithoutSuggestion() {
    assertProblem("\nlisten = 1", 2, "listen", "test.conf:2: unknown key 'listen'");
  }

  @Test
  void duplicateKeyNamesBothLines() {
    assertProblem(
        "hash-length = 5\n\nhash-length = 6",
        3,
        "hash-length",
        "test.conf:3: duplicate key 'hash-length' (first given on line 1)");
  }

  @Test
  void emptyValue() {
    assertProblem(
        "srs-domain =", 1, null, "test.conf:1: syntax error: missing value for 'srs-domain'");
    assertProblem(
        "srs-domain =   # nothing",
        1,
        null,
        "test.conf:1: syntax error: missing value for 'srs-domain'");
  }

  @Test
  void unterminatedString() {
    assertProblem(
        "a = 1\nsrs-domain = \"example.com\nhash-length = 5",
        1,
        "a",
        "test.conf:1: unknown key 'a'\ntest.conf:2: syntax error: unterminated string");
    assertProblem(
        "srs-domain = \"ends in a backslash\\",
        1,
        null,
        "test.conf:1: syntax error: unterminated string");
  }

  @Test
  void unknownEscape() {
    assertProblem(
        "srs-domain = \"a\\qb\"",
        1,
        null,
        "test.conf:1: syntax error: unknown escape '\\q' in string");
  }

  @Test
  void missingEquals() {
    assertProblem(
        "hash-length 5", 1, null, "test.conf:1: syntax error: expected '=' after 'hash-length'");
  }

  @Test
  void missingKeyName() {
    assertProblem("  = 5", 1, null, "test.conf:1: syntax error: missing key name before '='");
  }

  @Test
  void invalidKeyName() {
    assertProblem(
        "Hash-Length = 5",
        1,
        null,
        "test.conf:1: syntax error: invalid key name 'Hash-Length' (lower-case letters, digits and '-', starting with a letter)");
  }

  @Test
  void somethingAfterTheValue() {
    assertProblem(
        "srs-domain = \"a\" \"b\"",
        1,
        null,
        "test.conf:1: syntax error: unexpected '\"b\"' after the value of 'srs-domain'");
    assertProblem(
        "domains = { a } b",
        1,
        null,
        "test.conf:1: syntax error: unexpected 'b' after the value of 'domains'");
  }

  @Test
  void valueThatIsOnlyAPunctuationMark() {
    assertProblem(
        "srs-domain = }", 1, null, "test.conf:1: syntax error: expected a value, got '}'");
  }

  @Test
  void missingCommaInList() {
    assertProblem(
        "domains = {\n  a\n  b\n}\nhash-length = 1",
        3,
        null,
        "test.conf:3: syntax error: expected ',' or '}' after a list item, got 'b'\n"
            + "test.conf:5: hash-length: expected an integer from 4 to 32, got \"1\"");
  }

  @Test
  void doubleCommaAndNestedListInList() {
    assertProblem(
        "domains = { a,, b }", 1, null, "test.conf:1: syntax error: expected a value, got ','");
    assertProblem(
        "domains = { a, { b } }", 1, null, "test.conf:1: syntax error: expected a value, got '{'");
  }

  @Test
  void unterminatedListAtEndOfFile() {
    assertProblem(
        "\ndomains = { a,\n  b",
        2,
        null,
        "test.conf:2: syntax error: unterminated list (missing '}')");
  }

  @Test
  void unterminatedListFollowedByAnotherKeyResumesThere() {
    assertProblem(
        "domains = { a,\n  b\nhash-length = 2\n",
        1,
        null,
        "test.conf:1: syntax error: unterminated list (missing '}')\n"
            + "test.conf:3: hash-length: expected an integer from 4 to 32, got \"2\"");
  }

  @Test
  void errorInsideAListSkipsTheRestOfTheListOnly() {
    assertProblem(
        "domains = {\n  \"a\\x\",\n  b,\n  c\n}\nhash-length = 2\n",
        2,
        null,
        "test.conf:2: syntax error: unknown escape '\\x' in string\n"
            + "test.conf:6: hash-length: expected an integer from 4 to 32, got \"2\"");
  }

  @Test
  void customParserMessageBecomesTheProblem() {
    ConfigKey<Integer> port =
        ConfigKey.of(
            "port",
            25,
            text -> {
              throw new IllegalArgumentException("not a port: " + text);
            },
            "Port");
    ConfigKey<Integer> silent =
        ConfigKey.of(
            "silent",
            0,
            text -> {
              throw new IllegalArgumentException();
            },
            "Parser without a message");

    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> Config.parse("port = smtp\nsilent = x", "x.conf", ConfigSchema.of(port, silent)));

    assertEquals(
        "x.conf:1: port: not a port: smtp\nx.conf:2: silent: invalid value", e.getMessage());
  }

  @Test
  void allProblemsAreReportedTogetherSortedByLine() {
    ConfigException e =
        parseFailure(
            """
        hash-length = 40
        hash-lenght = 4
        separator = "*"
        srs-domain = "unterminated
        always-rewrite = perhaps
        hash-length = 5
        domains = { a b }
        keep-alive = 1w
        """);

    assertEquals(
        """
        test.conf:1: hash-length: expected an integer from 4 to 32, got "40"
        test.conf:2: unknown key 'hash-lenght' (did you mean 'hash-length'?)
        test.conf:3: separator: must be one of =, + or -
        test.conf:4: syntax error: unterminated string
        test.conf:5: always-rewrite: expected true/false, yes/no or on/off, got "perhaps"
        test.conf:6: duplicate key 'hash-length' (first given on line 1)
        test.conf:7: syntax error: expected ',' or '}' after a list item, got 'b'
        test.conf:8: keep-alive: expected a duration such as 250ms, 30s, 5m, 2h or 1d, got "1w\"""",
        e.getMessage());
    assertEquals(1, e.line());
    assertEquals("hash-length", e.key());
  }

  @Test
  void duplicateWithABadValueReportsBoth() {
    ConfigException e = parseFailure("hash-length = 5\nhash-length = x");

    assertEquals(
        "test.conf:2: duplicate key 'hash-length' (first given on line 1)\n"
            + "test.conf:2: hash-length: expected an integer from 4 to 32, got \"x\"",
        e.getMessage());
  }

  @Test
  void syntaxErrorsHaveNoKey() {
    assertNull(parseFailure("srs-domain =").key());
  }
}
