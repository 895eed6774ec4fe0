package io.postwarden.core.json;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses one JSON object (a line of the audit log, of {@code postqueue -j}) into maps, lists,
 * strings, longs, booleans and nulls. Numbers with a fraction or exponent become doubles. Anything
 * malformed is an {@link IllegalArgumentException} naming the offset: a line cut by a crash, or a
 * format that changed, must be reported, not guessed at. So is a key given twice in one object,
 * which readers would otherwise resolve each their own way (Grafana keeps the last).
 */
public final class JsonReader {

  private final String text;
  private int at;

  private JsonReader(String text) {
    this.text = text;
  }

  public static Map<String, Object> object(String text) {
    JsonReader reader = new JsonReader(text);
    reader.skipSpace();
    Map<String, Object> object = reader.readObject();
    reader.skipSpace();
    if (reader.at != text.length()) {
      throw reader.error("text after the object");
    }
    return object;
  }

  private Object readValue() {
    skipSpace();
    if (at >= text.length()) {
      throw error("value expected");
    }
    char c = text.charAt(at);
    return switch (c) {
      case '{' -> readObject();
      case '[' -> readArray();
      case '"' -> readString();
      case 't' -> literal("true", Boolean.TRUE);
      case 'f' -> literal("false", Boolean.FALSE);
      case 'n' -> literal("null", null);
      default -> readNumber();
    };
  }

  private Map<String, Object> readObject() {
    expect('{');
    Map<String, Object> object = new LinkedHashMap<>();
    skipSpace();
    if (peek() == '}') {
      at++;
      return object;
    }
    while (true) {
      skipSpace();
      int keyAt = at;
      String name = readString();
      skipSpace();
      expect(':');
      if (object.containsKey(name)) {
        at = keyAt;
        throw error("duplicate key \"" + name + "\"");
      }
      object.put(name, readValue());
      skipSpace();
      if (peek() == ',') {
        at++;
      } else {
        expect('}');
        return object;
      }
    }
  }

  private List<Object> readArray() {
    expect('[');
    List<Object> array = new ArrayList<>();
    skipSpace();
    if (peek() == ']') {
      at++;
      return array;
    }
    while (true) {
      array.add(readValue());
      skipSpace();
      if (peek() == ',') {
        at++;
      } else {
        expect(']');
        return array;
      }
    }
  }

  private String readString() {
    expect('"');
    int start = at;
    // the common case: no escapes, one substring
    while (at < text.length()) {
      char c = text.charAt(at);
      if (c == '"') {
        return text.substring(start, at++);
      }
      if (c == '\\') {
        break;
      }
      at++;
    }
    StringBuilder out = new StringBuilder(text.substring(start, at));
    while (at < text.length()) {
      char c = text.charAt(at++);
      if (c == '"') {
        return out.toString();
      }
      if (c != '\\') {
        out.append(c);
        continue;
      }
      if (at >= text.length()) {
        break;
      }
      char escaped = text.charAt(at++);
      switch (escaped) {
        case '"', '\\', '/' -> out.append(escaped);
        case 'b' -> out.append('\b');
        case 'f' -> out.append('\f');
        case 'n' -> out.append('\n');
        case 'r' -> out.append('\r');
        case 't' -> out.append('\t');
        case 'u' -> out.append(unicodeEscape());
        default -> throw error("unknown escape \\" + escaped);
      }
    }
    throw error("unterminated string");
  }

  private char unicodeEscape() {
    if (at + 4 > text.length()) {
      throw error("short \\u escape");
    }
    try {
      char c = (char) Integer.parseInt(text, at, at + 4, 16);
      at += 4;
      return c;
    } catch (NumberFormatException e) {
      throw error("bad \\u escape");
    }
  }

  private Object readNumber() {
    int start = at;
    boolean fraction = false;
    while (at < text.length()) {
      char c = text.charAt(at);
      if (c == '.' || c == 'e' || c == 'E') {
        fraction = true;
      } else if (!(c == '-' || c == '+' || (c >= '0' && c <= '9'))) {
        break;
      }
      at++;
    }
    if (start == at) {
      throw error("value expected");
    }
    try {
      return fraction
          ? (Object) Double.parseDouble(text.substring(start, at))
          : (Object) Long.parseLong(text, start, at, 10);
    } catch (NumberFormatException e) {
      throw error("bad number");
    }
  }

  private Object literal(String word, Object value) {
    if (!text.startsWith(word, at)) {
      throw error("value expected");
    }
    at += word.length();
    return value;
  }

  private void expect(char c) {
    if (peek() != c) {
      throw error("'" + c + "' expected");
    }
    at++;
  }

  private char peek() {
    return at < text.length() ? text.charAt(at) : '\0';
  }

  private void skipSpace() {
    while (at < text.length() && " \t\r\n".indexOf(text.charAt(at)) >= 0) {
      at++;
    }
  }

  private IllegalArgumentException error(String what) {
    return new IllegalArgumentException(what + " at offset " + at);
  }
}
