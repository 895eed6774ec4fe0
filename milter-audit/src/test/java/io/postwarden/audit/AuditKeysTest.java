package io.postwarden.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.postwarden.core.config.Config;
import io.postwarden.core.config.ConfigException;
import java.util.List;
import org.junit.jupiter.api.Test;

class AuditKeysTest {

  @Test
  void redactionIsOnByDefault() {
    assertEquals(
        List.of("mysql", "-p***"),
        AuditKeys.redactor(Config.defaults(AuditKeys.SCHEMA))
            .redact(List.of("mysql", "-phunter2")));
  }

  @Test
  void redactionCanBeTurnedOffAndExtended() throws ConfigException {
    Config config =
        Config.parse(
            "redact-command-lines = false\nredact-patterns = { \"sk_live_\\\\w+\" }\n",
            "t.conf",
            AuditKeys.SCHEMA);

    assertEquals(
        List.of("mysql", "-phunter2", "***"),
        AuditKeys.redactor(config).redact(List.of("mysql", "-phunter2", "sk_live_42")));
  }

  @Test
  void aPatternThatIsNotARegularExpressionIsRefusedWithItsKey() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                Config.parse(
                    "redact-patterns = { \"ok\", \"(unclosed\" }\n", "t.conf", AuditKeys.SCHEMA));

    assertTrue(
        e.getMessage()
            .contains("t.conf:1: redact-patterns: not a regular expression: \"(unclosed\""),
        e.getMessage());
  }
}
