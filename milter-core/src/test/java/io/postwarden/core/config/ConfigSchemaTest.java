package io.postwarden.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigSchemaTest {

  private static final ConfigKey<String> LISTEN =
      ConfigKey.string("listen", "inet:127.0.0.1:8891", "Listen");
  private static final ConfigKey<Integer> WORKERS =
      ConfigKey.integer("workers", 4, 1, 64, "Workers");
  private static final ConfigKey<Boolean> SRS = ConfigKey.bool("srs", true, "SRS");

  @Test
  void keysInDeclarationOrder() {
    assertEquals(List.of(WORKERS, LISTEN, SRS), ConfigSchema.of(WORKERS, LISTEN, SRS).keys());
  }

  @Test
  void lookupByName() {
    ConfigSchema schema = ConfigSchema.of(LISTEN, WORKERS);

    assertSame(WORKERS, schema.key("workers").orElseThrow());
    assertTrue(schema.key("srs").isEmpty());
  }

  @Test
  void duplicateNameIsRejected() {
    ConfigKey<Integer> otherListen = ConfigKey.integer("listen", 1, 1, 2, "Another listen");

    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new ConfigSchema(List.of(LISTEN, WORKERS, otherListen)));

    assertEquals("configuration key 'listen' is declared twice", e.getMessage());
  }

  @Test
  void mergeKeepsOrderOfBoth() {
    ConfigSchema merged = ConfigSchema.of(LISTEN, WORKERS).plus(ConfigSchema.of(SRS));

    assertEquals(List.of(LISTEN, WORKERS, SRS), merged.keys());
    assertSame(SRS, merged.key("srs").orElseThrow());
  }

  @Test
  void mergeCollisionIsRejected() {
    ConfigSchema core = ConfigSchema.of(LISTEN, WORKERS);
    ConfigSchema module =
        ConfigSchema.of(SRS, ConfigKey.string("workers", "", "Clashes with core"));

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> core.plus(module));

    assertEquals("configuration key 'workers' is declared twice", e.getMessage());
  }

  @Test
  void keysCannotBeModified() {
    assertThrows(
        UnsupportedOperationException.class, () -> ConfigSchema.of(LISTEN).keys().add(SRS));
  }
}
