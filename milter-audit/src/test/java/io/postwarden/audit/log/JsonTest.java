package io.postwarden.audit.log;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class JsonTest {

  static String string(String value) {
    return new Json().string("v", value).toString();
  }

  @Test
  void emptyObject() {
    assertEquals("{}", new Json().toString());
  }

  @Test
  void fieldsInOrderSeparatedByCommas() {
    String json =
        new Json()
            .string("a", "x")
            .number("n", -42)
            .bool("t", true)
            .bool("f", false)
            .number("big", Long.MAX_VALUE)
            .toString();

    assertEquals(
        "{\"a\":\"x\",\"n\":-42,\"t\":true,\"f\":false,\"big\":9223372036854775807}", json);
  }

  @Test
  void escapesQuotesAndBackslashes() {
    assertEquals("{\"v\":\"say \\\"hi\\\" C:\\\\dir\\\\\"}", string("say \"hi\" C:\\dir\\"));
  }

  @Test
  void escapesNamedControlCharacters() {
    assertEquals("{\"v\":\"a\\nb\\rc\\td\"}", string("a\nb\rc\td"));
  }

  @Test
  void escapesOtherControlCharactersAsUnicode() {
    assertEquals(
        "{\"v\":\"\\u0000\\u0001\\u0008\\u000c\\u001b\\u001f\"}",
        string("\u0000\u0001\u0008\u000c\u001b\u001f"));
  }

  @Test
  void keepsPrintableAsciiAsIs() {
    StringBuilder printable = new StringBuilder();
    for (char c = 0x20; c < 0x7f; c++) {
      if (c != '"' && c != '\\') {
        printable.append(c);
      }
    }
    assertEquals("{\"v\":\"" + printable + "\"}", string(printable.toString()));
  }

  @Test
  void escapesDeleteAndEightBitOctets() {
    // octet strings: UTF-8 "é" is the two chars 0xC3 0xA9; each byte shows as \\u00XX
    assertEquals(
        "{\"v\":\"caf\\u00c3\\u00a9 \\u007f\\u0080\\u00ff\"}",
        string("caf\u00c3\u00a9 \u007f\u0080\u00ff"));
  }

  @Test
  void outputIsPureAsciiEvenForWideChars() {
    String json = string("\u20ac\ud83d\ude00");

    assertEquals("{\"v\":\"\\u20ac\\ud83d\\ude00\"}", json);
    json.chars().forEach(c -> assertEquals(true, c >= 0x20 && c < 0x7f, "char " + c));
  }

  @Test
  void escapesNames() {
    assertEquals("{\"a\\\"b\\n\":1}", new Json().number("a\"b\n", 1).toString());
  }

  @Test
  void nullStringsAreOmitted() {
    assertEquals(
        "{\"b\":\"2\"}",
        new Json().string("a", null).string("b", "2").string("c", null).toString());
    assertEquals("{}", new Json().string("a", null).toString());
    assertEquals("{\"a\":\"\"}", new Json().string("a", "").toString(), "empty is not null");
  }

  @Test
  void nullObjectsAreOmitted() {
    assertEquals(
        "{\"a\":1}", new Json().object("x", null).number("a", 1).object("y", null).toString());
  }

  @Test
  void nestsObjects() {
    Json inner =
        new Json()
            .string("lookup", "found")
            .number("pid", 812)
            .object("deeper", new Json().bool("ok", true));
    String json =
        new Json().string("event", "accept").object("process", inner).number("after", 1).toString();

    assertEquals(
        "{\"event\":\"accept\",\"process\":{\"lookup\":\"found\",\"pid\":812,\"deeper\":{\"ok\":true}},"
            + "\"after\":1}",
        json);
    assertEquals("{\"e\":{}}", new Json().object("e", new Json()).toString());
  }

  @Test
  void writesStringLists() {
    assertEquals("{\"r\":[]}", new Json().strings("r", List.of()).toString());
    assertEquals(
        "{\"r\":[\"a@example.org\"]}",
        new Json().strings("r", List.of("a@example.org")).toString());
    assertEquals(
        "{\"r\":[\"a\",\"b\\\"\",\"\\u00e9\\n\"],\"n\":1}",
        new Json().strings("r", List.of("a", "b\"", "\u00e9\n")).number("n", 1).toString());
  }

  @Test
  void toStringIsRepeatable() {
    Json json = new Json().string("a", "b");
    assertEquals(json.toString(), json.toString());
    json.number("c", 1);
    assertEquals("{\"a\":\"b\",\"c\":1}", json.toString());
  }
}
