package io.postwarden.audit.log;

import java.util.List;

/**
 * A minimal JSON object writer for audit records: strings, numbers, booleans, string lists and
 * nested objects. Output is pure ASCII; octet strings (one char per byte) are written with \\u00XX
 * for anything not printable, so a record never mangles the bytes a client sent.
 */
public final class Json {

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private final StringBuilder out = new StringBuilder(256).append('{');
  private boolean first = true;

  public Json string(String name, String value) {
    if (value != null) {
      key(name);
      quote(value);
    }
    return this;
  }

  public Json number(String name, long value) {
    key(name);
    out.append(value);
    return this;
  }

  public Json bool(String name, boolean value) {
    key(name);
    out.append(value);
    return this;
  }

  public Json strings(String name, List<String> values) {
    key(name);
    out.append('[');
    for (int i = 0; i < values.size(); i++) {
      if (i > 0) {
        out.append(',');
      }
      quote(values.get(i));
    }
    out.append(']');
    return this;
  }

  public Json object(String name, Json value) {
    if (value != null) {
      key(name);
      out.append(value.out).append('}');
    }
    return this;
  }

  private void key(String name) {
    if (!first) {
      out.append(',');
    }
    first = false;
    quote(name);
    out.append(':');
  }

  private void quote(String value) {
    out.append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20 || c > 0x7e) {
            out.append("\\u")
                .append(HEX[c >> 12 & 0xf])
                .append(HEX[c >> 8 & 0xf])
                .append(HEX[c >> 4 & 0xf])
                .append(HEX[c & 0xf]);
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  @Override
  public String toString() {
    return out + "}";
  }
}
