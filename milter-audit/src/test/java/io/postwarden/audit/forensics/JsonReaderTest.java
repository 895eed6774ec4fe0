package io.postwarden.audit.forensics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.postwarden.audit.log.Json;
import io.postwarden.core.json.JsonReader;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonReaderTest {

  @Test
  void readsBackWhatTheAuditWriterWrites() {
    String awkward = "a\"b\\c\nd\te\u0001f\u00e9\u202e";
    String line =
        new Json()
            .string("text", awkward)
            .number("n", -42)
            .bool("ok", true)
            .strings("list", List.of("x", awkward))
            .object("nested", new Json().number("uid", 33))
            .toString();

    Map<String, Object> read = JsonReader.object(line);

    assertEquals(awkward, read.get("text"));
    assertEquals(-42L, read.get("n"));
    assertEquals(true, read.get("ok"));
    assertEquals(List.of("x", awkward), read.get("list"));
    assertEquals(Map.of("uid", 33L), read.get("nested"));
  }

  @Test
  void readsWhatOtherWritersMayAdd() {
    assertEquals(
        Map.of("a", 1.5, "b", List.of(), "c", Map.of(), "s", "/"),
        JsonReader.object(" { \"a\" : 1.5 , \"b\":[ ], \"c\":{}, \"s\":\"\\/\" } "));
    assertEquals(null, JsonReader.object("{\"a\":null}").get("a"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "{",
        "{\"time\":\"2026",
        "{\"a\":1",
        "{\"a\":1}x",
        "[1]",
        "{\"a\":tru}",
        "{\"a\":\"\\q\"}",
        "{\"a\":\"\\u12\"}",
        "{a:1}",
        "{\"a\":}",
        "{\"a\":1,}"
      })
  void refusesWhatIsNoObject(String text) {
    assertThrows(IllegalArgumentException.class, () -> JsonReader.object(text));
  }
}
