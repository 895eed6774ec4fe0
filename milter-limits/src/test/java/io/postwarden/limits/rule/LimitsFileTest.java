package io.postwarden.limits.rule;

import static org.junit.jupiter.api.Assertions.*;

import io.postwarden.limits.key.LimitKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LimitsFileTest {

  @TempDir Path dir;

  Path write(String text) throws IOException {
    return Files.writeString(dir.resolve("limits"), text);
  }

  @Test
  void readsKeysRulesNoneAndComments() throws Exception {
    Map<LimitKey, List<LimitRule>> entries =
        LimitsFile.read(
            write(
                """
        # newsletters may send more
        sasl:Newsletter@Shop.Example  recipients 20000/1d, messages 500/1h
        unix:www-blog   recipients 50/1h hold cooldown 1h   # a blog that was hacked before

        client:192.0.2.7 none
        server recipients 100000/1d
        """));
    assertEquals(
        Map.of(
            LimitKey.sasl("newsletter@shop.example"),
            List.of(LimitRule.parse("recipients 20000/1d"), LimitRule.parse("messages 500/1h")),
            LimitKey.unix("www-blog"),
            List.of(LimitRule.parse("recipients 50/1h hold cooldown 1h")),
            LimitKey.parse("client:192.0.2.7"),
            List.of(),
            LimitKey.SERVER,
            List.of(LimitRule.parse("recipients 100000/1d"))),
        entries);
  }

  @Test
  void aBadLineIsNamedAndNothingOfTheFileIsUsed() throws Exception {
    for (String bad :
        new String[] {
          "sasl:a recipients 5/1h\nunix:b recipients lots/1h\n",
          "sasl:a recipients 5/1h\nunix:b\n",
          "sasl:a none\nSASL:A none\n".toLowerCase(),
          "nobody none\n"
        }) {
      IOException e = assertThrows(IOException.class, () -> LimitsFile.read(write(bad)), bad);
      assertTrue(e.getMessage().startsWith(dir.resolve("limits") + ":"), e.getMessage());
    }
    IOException twice =
        assertThrows(IOException.class, () -> LimitsFile.read(write("sasl:a none\nsasl:A none\n")));
    assertEquals(dir.resolve("limits") + ":2: sasl:a is listed twice", twice.getMessage());
  }
}
