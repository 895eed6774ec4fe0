package io.postwarden.it.harness;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The header section of a message: fields in their original order, unfolded (CRLF before white
 * space removed, the white space kept), values without the white space after the colon. Names
 * compare case-insensitively.
 */
public final class Headers {

  /**
   * One header field. {@code raw} is the field exactly as received, folding included, without the
   * final CRLF.
   */
  public record Field(String name, String value, String raw) {}

  private final List<Field> fields;

  private Headers(List<Field> fields) {
    this.fields = List.copyOf(fields);
  }

  /** Parses up to the first empty line (or the end). Bytes are decoded as UTF-8. */
  public static Headers parse(byte[] message) {
    String text = new String(message, 0, headerEnd(message), StandardCharsets.UTF_8);
    List<Field> fields = new ArrayList<>();
    StringBuilder raw = null;
    for (String line : text.split("\r?\n", -1)) {
      if (line.isEmpty()) {
        break;
      }
      boolean continuation = line.charAt(0) == ' ' || line.charAt(0) == '\t';
      if (continuation && raw != null) {
        raw.append("\r\n").append(line);
        continue;
      }
      if (raw != null) {
        fields.add(field(raw.toString()));
      }
      raw = new StringBuilder(line);
    }
    if (raw != null) {
      fields.add(field(raw.toString()));
    }
    return new Headers(fields);
  }

  /** Offset of the empty line that ends the header section (or the length if there is none). */
  static int headerEnd(byte[] m) {
    for (int i = 0; i < m.length; i++) {
      if (m[i] == '\n'
          && (i == 0
              || i + 1 < m.length
                  && (m[i + 1] == '\n'
                      || m[i + 1] == '\r' && i + 2 < m.length && m[i + 2] == '\n'))) {
        return i + 1;
      }
    }
    return m.length;
  }

  private static Field field(String raw) {
    int colon = raw.indexOf(':');
    if (colon < 0) {
      return new Field(raw.strip(), "", raw);
    }
    String unfolded = raw.substring(colon + 1).replace("\r\n", "");
    return new Field(raw.substring(0, colon).strip(), unfolded.stripLeading(), raw);
  }

  public List<Field> fields() {
    return fields;
  }

  /** All values of {@code name}, in order. */
  public List<String> all(String name) {
    List<String> values = new ArrayList<>();
    for (Field f : fields) {
      if (f.name().equalsIgnoreCase(name)) {
        values.add(f.value());
      }
    }
    return Collections.unmodifiableList(values);
  }

  public Optional<String> first(String name) {
    return all(name).stream().findFirst();
  }

  public int count(String name) {
    return all(name).size();
  }

  /** name (lower case) → values, in order of first appearance. */
  public Map<String, List<String>> asMap() {
    Map<String, List<String>> map = new LinkedHashMap<>();
    for (Field f : fields) {
      map.computeIfAbsent(f.name().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(f.value());
    }
    map.replaceAll((k, v) -> List.copyOf(v));
    return Collections.unmodifiableMap(map);
  }

  /** Field names in order, e.g. to assert where a header was added. */
  public List<String> names() {
    List<String> names = new ArrayList<>();
    fields.forEach(f -> names.add(f.name()));
    return Collections.unmodifiableList(names);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    fields.forEach(f -> sb.append(f.name()).append(": ").append(f.value()).append('\n'));
    return sb.toString();
  }
}
