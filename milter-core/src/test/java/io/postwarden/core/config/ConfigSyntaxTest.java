package io.postwarden.core.config;

import static io.postwarden.core.config.ExampleKeys.ALWAYS_REWRITE;
import static io.postwarden.core.config.ExampleKeys.DOMAINS;
import static io.postwarden.core.config.ExampleKeys.HASH_LENGTH;
import static io.postwarden.core.config.ExampleKeys.KEEP_ALIVE;
import static io.postwarden.core.config.ExampleKeys.SECRETS_FILE;
import static io.postwarden.core.config.ExampleKeys.SEPARATOR;
import static io.postwarden.core.config.ExampleKeys.SOCKETMAP;
import static io.postwarden.core.config.ExampleKeys.SRS_DOMAIN;
import static io.postwarden.core.config.ExampleKeys.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigSyntaxTest {

  @Test
  void bareWordRunsUpToWhiteSpaceOrHash() throws ConfigException {
    assertEquals(
        "inet:localhost:10003", parse("socketmap = inet:localhost:10003\n").get(SOCKETMAP));
    assertEquals(
        "a.b_c-d/e:f@g+h*i,j=k", parse("socketmap = a.b_c-d/e:f@g+h*i,j=k").get(SOCKETMAP));
    assertEquals(
        "unix:/x", parse("socketmap = unix:/x# no space before the comment").get(SOCKETMAP));
  }

  @Test
  void quotedStringKeepsHashAndSpacesAndUnescapes() throws ConfigException {
    Config config = parse("socketmap = \"say \\\"hi\\\" # not a comment \\\\ \\t\\n\"\n");

    assertEquals("say \"hi\" # not a comment \\ \t\n", config.get(SOCKETMAP));
  }

  @Test
  void emptyQuotedStringIsAValue() throws ConfigException {
    Config config = parse("srs-domain = \"\"");

    assertEquals("", config.get(SRS_DOMAIN));
    assertTrue(config.isSet(SRS_DOMAIN));
  }

  @Test
  void quotedAndBareValuesAreInterchangeable() throws ConfigException {
    assertEquals(10, parse("hash-length = \"10\"").get(HASH_LENGTH));
    assertEquals(10, parse("hash-length = 10").get(HASH_LENGTH));
    assertEquals("example.com", parse("srs-domain = \"example.com\"").get(SRS_DOMAIN));
    assertEquals("example.com", parse("srs-domain = example.com").get(SRS_DOMAIN));
  }

  @Test
  void spacesAroundEqualsAreOptional() throws ConfigException {
    Config config = parse("hash-length=8\nsrs-domain\t=\texample.com");

    assertEquals(8, config.get(HASH_LENGTH));
    assertEquals("example.com", config.get(SRS_DOMAIN));
  }

  @Test
  void booleansAcceptAllLibconfuseSpellings() throws ConfigException {
    for (String yes : List.of("true", "yes", "on", "ON", "True")) {
      assertTrue(parse("always-rewrite = " + yes).get(ALWAYS_REWRITE), yes);
    }
    for (String no : List.of("false", "no", "off", "OFF", "No")) {
      assertFalse(parse("always-rewrite = " + no + "\nhash-length = 5").get(ALWAYS_REWRITE), no);
    }
  }

  @Test
  void listOnOneLine() throws ConfigException {
    Config config = parse("domains = { \"example.com\", \"example.org\", example.net }");

    assertEquals(List.of("example.com", "example.org", "example.net"), config.get(DOMAINS));
  }

  @Test
  void listAcrossLinesWithCommentsAndTrailingComma() throws ConfigException {
    Config config =
        parse(
            """
        domains = {        # the domains we serve
          "example.com",   # main
          # "old.example" is gone
          example.org,
        }                  # done
        hash-length = 6
        """);

    assertEquals(List.of("example.com", "example.org"), config.get(DOMAINS));
    assertEquals(6, config.get(HASH_LENGTH));
  }

  @Test
  void listItemsMayBeOnSeparateLinesFromTheirCommas() throws ConfigException {
    Config config = parse("domains = {\n  a\n  , b\n}");

    assertEquals(List.of("a", "b"), config.get(DOMAINS));
  }

  @Test
  void emptyList() throws ConfigException {
    assertEquals(List.of(), parse("domains = {}").get(DOMAINS));
    assertEquals(List.of(), parse("domains = {\n}").get(DOMAINS));
  }

  @Test
  void singleValueForAListKeyIsAOneElementList() throws ConfigException {
    assertEquals(List.of("example.com"), parse("domains = example.com").get(DOMAINS));
    assertEquals(List.of("example.com"), parse("domains = \"example.com\"").get(DOMAINS));
  }

  @Test
  void commaInsideAListEndsABareWordButNotAQuotedString() throws ConfigException {
    assertEquals(List.of("a", "b,c"), parse("domains = {a,\"b,c\"}").get(DOMAINS));
  }

  @Test
  void commentsAndBlankLinesAreIgnored() throws ConfigException {
    Config config =
        parse(
            """
        # a comment

           # an indented comment
        hash-length = 12   # twelve

        """);

    assertEquals(12, config.get(HASH_LENGTH));
    assertEquals(
        List.of(HASH_LENGTH), ExampleKeys.SCHEMA.keys().stream().filter(config::isSet).toList());
  }

  @Test
  void emptyTextGivesDefaults() throws ConfigException {
    Config config = parse("");

    assertEquals(4, config.get(HASH_LENGTH));
    assertFalse(config.isSet(HASH_LENGTH));
  }

  @Test
  void crlfLineEndings() throws ConfigException {
    Config config =
        parse(
            "# comment\r\nhash-length = 7\r\nsrs-domain = \"a\"\r\ndomains = {\r\n  x,\r\n  y\r\n}\r\n");

    assertEquals(7, config.get(HASH_LENGTH));
    assertEquals("a", config.get(SRS_DOMAIN));
    assertEquals(List.of("x", "y"), config.get(DOMAINS));
  }

  @Test
  void byteOrderMarkIsSkipped() throws ConfigException {
    assertEquals(9, parse("\uFEFFhash-length = 9\n").get(HASH_LENGTH));
  }

  @Test
  void lineNumbersCountFromOneAndSurviveMultiLineLists() {
    ConfigException e =
        ExampleKeys.parseFailure(
            """
        # 1
        domains = {
          a,
          b
        }
        hash-length = x
        """);

    assertEquals(6, e.line());
  }

  @Test
  void postsrsdSrsLinesParseAsIs() throws ConfigException {
    // the SRS settings as PostSRSd 2's example postsrsd.conf writes them
    Config config =
        parse(
            """
        domains = {}
        #domains-file =
        #srs-domain =
        socketmap = unix:/var/spool/postfix/srs
        #keep-alive = 30
        secrets-file = "/usr/local/etc/postsrsd.secret"
        #separator = "="
        separator = "+"
        hash-length = 4
        hash-minimum = 4
        always-rewrite = off
        keep-alive = 30
        """);

    assertEquals(List.of(), config.get(DOMAINS));
    assertEquals("unix:/var/spool/postfix/srs", config.get(SOCKETMAP));
    assertEquals(Path.of("/usr/local/etc/postsrsd.secret"), config.get(SECRETS_FILE));
    assertEquals("+", config.get(SEPARATOR));
    assertEquals(4, config.get(HASH_LENGTH));
    assertFalse(config.get(ALWAYS_REWRITE));
    assertEquals(Duration.ofSeconds(30), config.get(KEEP_ALIVE));
  }
}
