package io.postwarden.core.config;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/** A schema shaped like PostSRSd's SRS settings, shared by the tests of this package. */
final class ExampleKeys {

  static final ConfigKey<List<String>> DOMAINS =
      ConfigKey.list("domains", List.of(), "Local domains");
  static final ConfigKey<Path> DOMAINS_FILE =
      ConfigKey.path("domains-file", null, "File of local domains");
  static final ConfigKey<String> SRS_DOMAIN =
      ConfigKey.string("srs-domain", "", "SRS rewrite domain");
  static final ConfigKey<String> SOCKETMAP =
      ConfigKey.string("socketmap", "unix:/var/spool/postfix/srs", "Socketmap endpoint");
  static final ConfigKey<Duration> KEEP_ALIVE =
      ConfigKey.duration("keep-alive", Duration.ofSeconds(30), "Connection keep-alive");
  static final ConfigKey<Path> SECRETS_FILE =
      ConfigKey.path("secrets-file", Path.of("/etc/postsrsd.secret"), "Signing secrets");
  static final ConfigKey<String> SEPARATOR =
      ConfigKey.string("separator", "=", "SRS tag separator")
          .validatedBy(
              separator -> {
                if (!Set.of("=", "+", "-").contains(separator)) {
                  throw new IllegalArgumentException("must be one of =, + or -");
                }
              });
  static final ConfigKey<Integer> HASH_LENGTH =
      ConfigKey.integer("hash-length", 4, 4, 32, "Hash length");
  static final ConfigKey<Integer> HASH_MINIMUM =
      ConfigKey.integer("hash-minimum", 4, 4, 32, "Minimum hash");
  static final ConfigKey<Boolean> ALWAYS_REWRITE =
      ConfigKey.bool("always-rewrite", false, "Always rewrite");

  static final ConfigSchema SCHEMA =
      ConfigSchema.of(
          DOMAINS,
          DOMAINS_FILE,
          SRS_DOMAIN,
          SOCKETMAP,
          KEEP_ALIVE,
          SECRETS_FILE,
          SEPARATOR,
          HASH_LENGTH,
          HASH_MINIMUM,
          ALWAYS_REWRITE);

  private ExampleKeys() {}

  static Config parse(String text) throws ConfigException {
    return Config.parse(text, "test.conf", SCHEMA);
  }

  static ConfigException parseFailure(String text) {
    return assertThrows(ConfigException.class, () -> parse(text));
  }
}
