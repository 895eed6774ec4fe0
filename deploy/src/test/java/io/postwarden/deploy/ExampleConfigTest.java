package io.postwarden.deploy;

import static org.junit.jupiter.api.Assertions.*;

import io.postwarden.core.config.Config;
import io.postwarden.core.config.ConfigKey;
import io.postwarden.core.config.ConfigSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The shipped example is the documentation: it must name every key, only real keys, at their
 * defaults.
 */
class ExampleConfigTest {

  static final Path EXAMPLE = Path.of("config/postwarden.conf");

  @Test
  void everyKeyIsDocumentedInTheExample() throws Exception {
    String text = Files.readString(EXAMPLE);
    List<String> missing = new ArrayList<>();
    for (ConfigKey<?> key : Modules.schema().keys()) {
      if (!Pattern.compile("(?m)^" + Pattern.quote(key.name()) + " = ").matcher(text).find()) {
        missing.add(key.name());
      }
    }
    assertEquals(List.of(), missing, "keys missing from " + EXAMPLE);
  }

  @Test
  void exampleParsesAndStatesTheDefaults() throws Exception {
    ConfigSchema schema = Modules.schema();
    Config example = Config.load(EXAMPLE, schema);
    Config defaults = Config.defaults(schema);
    for (ConfigKey<?> key : schema.keys()) {
      assertEquals(
          defaults.get(key),
          example.get(key),
          "example value of " + key.name() + " is not its default");
    }
  }

  @Test
  void everyKeyHasAComment() throws Exception {
    List<String> lines = Files.readAllLines(EXAMPLE);
    Matcher matcher;
    for (int i = 0; i < lines.size(); i++) {
      matcher = Pattern.compile("^([a-z][a-z0-9-]*) = ").matcher(lines.get(i));
      if (matcher.find()) {
        assertTrue(
            i > 0 && lines.get(i - 1).startsWith("#"), "no comment above " + matcher.group(1));
      }
    }
  }
}
