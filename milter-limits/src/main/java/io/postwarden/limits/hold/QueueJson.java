package io.postwarden.limits.hold;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads one line of {@code postqueue -j}: a JSON object whose values are strings, numbers,
 * booleans, null, arrays and objects. Strings become Java strings, numbers doubles, arrays lists,
 * objects maps. Throws IllegalArgumentException on anything else, so a changed format is noticed
 * rather than misread.
 */
final class QueueJson {

  private final String text;
  private int at;

  private QueueJson(String text) {
    this.text = text;
  }

  static Map<String, Object> object(String line) {
    QueueJson reader = new QueueJson(line);
    reader.skipSpace();
    Object value = reader.value();
    reader.skipSpace();
    if (!(value instanceof Map<?, ?>) || reader.at != line.length()) {
      throw new IllegalArgumentException("not one JSON object: " + line);
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> object = (Map<String, Object>) value;
    return object;
  }

  private Object value() {
    if (at >= text.length()) {
      throw error("value expected");
    }
    char c = text.charAt(at);
    return switch (c) {
      case '{' -> objectValue();
      case '[' -> arrayValue();
      case '"' -> stringValue();
      case 't' -> literal("true", Boolean.TRUE);
      case 'f' -> literal("false", Boolean.FALSE);
      case 'n' -> literal("null", null);
      default -> numberValue();
    };
  }

  private Map<String, Object> objectValue() {
    Map<String, Object> object = new LinkedHashMap<>();
    at++;
    skipSpace();
    if (consume('}')) {
      return object;
    }
    do {
      skipSpace();
      String name = stringValue();
      skipSpace();
      expect(':');
      skipSpace();
      object.put(name, value());
      skipSpace();
    } while (consume(','));
    expect('}');
    return object;
  }

  private List<Object> arrayValue() {
    List<Object> array = new ArrayList<>();
    at++;
    skipSpace();
    if (consume(']')) {
      return array;
    }
    do {
      skipSpace();
      array.add(value());
      skipSpace();
    } while (consume(','));
    expect(']');
    return array;
  }

  private String stringValue() {
    expect('"');
    StringBuilder out = new StringBuilder();
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
        case 'n' -> out.append('\n');
        case 't' -> out.append('\t');
        case 'r' -> out.append('\r');
        case 'b' -> out.append('\b');
        case 'f' -> out.append('\f');
        case 'u' -> {
          if (at + 4 > text.length()) {
            throw error("short \\u escape");
          }
          out.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
          at += 4;
        }
        default -> out.append(escaped);
      }
    }
    throw error("unterminated string");
  }

  private Double numberValue() {
    int start = at;
    while (at < text.length() && "+-0123456789.eE".indexOf(text.charAt(at)) >= 0) {
      at++;
    }
    try {
      return Double.parseDouble(text.substring(start, at));
    } catch (NumberFormatException e) {
      throw error("number expected");
    }
  }

  private Object literal(String word, Object value) {
    if (!text.startsWith(word, at)) {
      throw error(word + " expected");
    }
    at += word.length();
    return value;
  }

  private void skipSpace() {
    while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
      at++;
    }
  }

  private boolean consume(char c) {
    if (at < text.length() && text.charAt(at) == c) {
      at++;
      return true;
    }
    return false;
  }

  private void expect(char c) {
    if (!consume(c)) {
      throw error("'" + c + "' expected");
    }
  }

  private IllegalArgumentException error(String what) {
    return new IllegalArgumentException(what + " at offset " + at + " of: " + text);
  }
}
