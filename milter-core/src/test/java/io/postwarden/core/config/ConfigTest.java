package io.postwarden.core.config;

import static io.postwarden.core.config.ExampleKeys.DOMAINS;
import static io.postwarden.core.config.ExampleKeys.DOMAINS_FILE;
import static io.postwarden.core.config.ExampleKeys.HASH_LENGTH;
import static io.postwarden.core.config.ExampleKeys.KEEP_ALIVE;
import static io.postwarden.core.config.ExampleKeys.SCHEMA;
import static io.postwarden.core.config.ExampleKeys.SECRETS_FILE;
import static io.postwarden.core.config.ExampleKeys.SEPARATOR;
import static io.postwarden.core.config.ExampleKeys.SRS_DOMAIN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigTest {

  @TempDir Path dir;

  private Path write(String name, String text) throws IOException {
    return Files.writeString(dir.resolve(name), text);
  }

  @Test
  void loadsAFile() throws IOException, ConfigException {
    Path file =
        write(
            "postwarden.conf",
            """
        srs-domain = srs.example.com
        domains = { example.com, "example.org" }
        keep-alive = 2m
        """);

    Config config = Config.load(file, SCHEMA);

    assertEquals("srs.example.com", config.get(SRS_DOMAIN));
    assertEquals(List.of("example.com", "example.org"), config.get(DOMAINS));
    assertEquals(Duration.ofMinutes(2), config.get(KEEP_ALIVE));
    assertEquals(Optional.of(file), config.source());
  }

  @Test
  void loadsCrlfFileWithByteOrderMark() throws IOException, ConfigException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bytes.write(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
    bytes.write(
        "hash-length = 8\r\ndomains = {\r\n  a, # first\r\n  b\r\n}\r\n"
            .getBytes(StandardCharsets.UTF_8));
    Path file = Files.write(dir.resolve("windows.conf"), bytes.toByteArray());

    Config config = Config.load(file, SCHEMA);

    assertEquals(8, config.get(HASH_LENGTH));
    assertEquals(List.of("a", "b"), config.get(DOMAINS));
  }

  @Test
  void problemsNameTheFileAsGiven() throws IOException {
    Path file = write("bad.conf", "# settings\nhash-length = abc\n");

    ConfigException e = assertThrows(ConfigException.class, () -> Config.load(file, SCHEMA));

    assertEquals(
        file + ":2: hash-length: expected an integer from 4 to 32, got \"abc\"", e.getMessage());
    assertEquals(file.toString(), e.file());
    assertEquals(2, e.line());
    assertEquals("hash-length", e.key());
  }

  @Test
  void missingFile() {
    Path file = dir.resolve("absent.conf");

    ConfigException e = assertThrows(ConfigException.class, () -> Config.load(file, SCHEMA));

    assertEquals(file + ": cannot read: no such file", e.getMessage());
    assertEquals(file.toString(), e.file());
    assertEquals(0, e.line());
    assertNull(e.key());
  }

  @Test
  void directoryInsteadOfFile() {
    ConfigException e = assertThrows(ConfigException.class, () -> Config.load(dir, SCHEMA));

    assertEquals(dir + ": cannot read: Is a directory", e.getMessage());
  }

  @Test
  void fileThatIsNotUtf8() throws IOException {
    Path file =
        Files.write(
            dir.resolve("latin1.conf"),
            "srs-domain = caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));

    ConfigException e = assertThrows(ConfigException.class, () -> Config.load(file, SCHEMA));

    assertEquals(file + ": cannot read: not valid UTF-8", e.getMessage());
  }

  @Test
  void unreadableFileNamesTheFile() {
    // a directory cannot be read as a file, even by root (who may read files of any mode)
    ConfigException e = assertThrows(ConfigException.class, () -> Config.load(dir, SCHEMA));

    assertTrue(e.getMessage().startsWith(dir + ": cannot read"), e.getMessage());
    assertEquals(dir.toString(), e.file());
  }

  @Test
  void defaultsGiveEveryKeyItsDefault() {
    Config config = Config.defaults(SCHEMA);

    assertEquals(4, config.get(HASH_LENGTH));
    assertEquals("=", config.get(SEPARATOR));
    assertEquals(Path.of("/etc/postsrsd.secret"), config.get(SECRETS_FILE));
    assertNull(config.get(DOMAINS_FILE));
    assertFalse(config.isSet(HASH_LENGTH));
    assertEquals(Optional.empty(), config.source());
  }

  @Test
  void givenKeyReplacesTheDefaultAndCountsAsSetEvenWhenEqualToIt() throws ConfigException {
    Config config =
        Config.parse("hash-length = 4\ndomains-file = /etc/postsrsd.domains", "inline", SCHEMA);

    assertTrue(config.isSet(HASH_LENGTH));
    assertEquals(Path.of("/etc/postsrsd.domains"), config.get(DOMAINS_FILE));
    assertFalse(config.isSet(SEPARATOR));
    assertEquals(Optional.empty(), config.source());
  }

  @Test
  void parseNamesTheSourceInProblems() {
    ConfigException e =
        assertThrows(
            ConfigException.class, () -> Config.parse("hash-length = 1", "--config-text", SCHEMA));

    assertEquals("--config-text", e.file());
    assertTrue(e.getMessage().startsWith("--config-text:1: "), e.getMessage());
  }

  @Test
  void keyOutsideTheSchemaIsRejected() {
    Config config = Config.defaults(ConfigSchema.of(HASH_LENGTH));

    assertThrows(IllegalArgumentException.class, () -> config.get(SEPARATOR));
    assertThrows(IllegalArgumentException.class, () -> config.isSet(SEPARATOR));
  }

  @Test
  void sameNamedKeyFromElsewhereIsRejected() {
    Config config = Config.defaults(SCHEMA);
    ConfigKey<String> impostor = ConfigKey.string("hash-length", "four", "Not the schema's key");

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> config.get(impostor));

    assertEquals("key 'hash-length' is not part of this configuration's schema", e.getMessage());
  }
}
