package io.postwarden.it.ops;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the block-style YAML subset the Prometheus files in deploy/prometheus use, without a YAML
 * library: mappings, sequences, plain / single-quoted / double-quoted one-line scalars, literal
 * ({@code |}) and folded ({@code >}) block scalars with their chomping indicators, empty {@code []}
 * and {@code {}}, and comments. Every scalar stays a string. Anything outside the subset (tabs,
 * anchors, flow collections with content, multi-line quoted scalars, duplicate keys) throws naming
 * the line, so the test fails rather than misreading a file.
 */
final class SimpleYaml {

  private static final Pattern KEY = Pattern.compile("([A-Za-z0-9_.-]+):(?: +(.*))?");

  private final List<String> lines;
  private int index;

  private SimpleYaml(String text) {
    this.lines = new ArrayList<>(List.of(text.split("\n", -1)));
  }

  static Object parse(String text) {
    SimpleYaml yaml = new SimpleYaml(text);
    yaml.skipInsignificant();
    if (yaml.index >= yaml.lines.size()) {
      return null;
    }
    Object value = yaml.block(yaml.indent(yaml.lines.get(yaml.index)));
    yaml.skipInsignificant();
    if (yaml.index < yaml.lines.size()) {
      throw yaml.error("content at lower indentation than the document");
    }
    return value;
  }

  private Object block(int indent) {
    String line = lines.get(index);
    if (indent(line) != indent) {
      throw error("unexpected indentation");
    }
    return isSequenceItem(line.substring(indent)) ? sequence(indent) : mapping(indent);
  }

  private List<Object> sequence(int indent) {
    List<Object> list = new ArrayList<>();
    while (true) {
      skipInsignificant();
      if (index >= lines.size()) {
        return list;
      }
      String line = lines.get(index);
      int lineIndent = indent(line);
      if (lineIndent < indent) {
        return list;
      }
      if (lineIndent > indent || !isSequenceItem(line.substring(indent))) {
        if (lineIndent == indent) {
          return list; // a mapping key after a sequence at the same indent (key:\n- a\nnext: ...)
        }
        throw error("unexpected indentation in sequence");
      }
      String content = line.substring(indent + 1);
      if (content.isBlank() || content.trim().startsWith("#")) {
        index++;
        skipInsignificant();
        if (index >= lines.size() || indent(lines.get(index)) <= indent) {
          throw error("empty sequence item");
        }
        list.add(block(indent(lines.get(index))));
        continue;
      }
      int contentIndent = indent + 1 + indent(content);
      String item = content.trim();
      if (KEY.matcher(stripComment(item)).matches() || isSequenceItem(item)) {
        lines.set(index, " ".repeat(contentIndent) + item);
        list.add(block(contentIndent));
      } else {
        list.add(scalarValue(item, indent));
      }
    }
  }

  private Map<String, Object> mapping(int indent) {
    Map<String, Object> map = new LinkedHashMap<>();
    while (true) {
      skipInsignificant();
      if (index >= lines.size()) {
        return map;
      }
      String line = lines.get(index);
      int lineIndent = indent(line);
      if (lineIndent < indent) {
        return map;
      }
      if (lineIndent > indent) {
        throw error("unexpected indentation in mapping");
      }
      String text = stripComment(line.substring(indent));
      if (isSequenceItem(text)) {
        throw error("sequence item among mapping keys");
      }
      Matcher key = KEY.matcher(text);
      if (!key.matches()) {
        throw error("expected 'key: value'");
      }
      String name = key.group(1);
      if (map.containsKey(name)) {
        throw error("duplicate key " + name);
      }
      String rest =
          key.group(2) == null ? "" : line.substring(indent).substring(name.length() + 1).trim();
      if (stripComment(rest).isEmpty()) {
        index++;
        skipInsignificant();
        if (index < lines.size()
            && (indent(lines.get(index)) > indent
                || (indent(lines.get(index)) == indent
                    && isSequenceItem(lines.get(index).substring(indent))))) {
          map.put(name, block(indent(lines.get(index))));
        } else {
          map.put(name, null);
        }
      } else {
        map.put(name, scalarValue(rest, indent));
      }
    }
  }

  /**
   * The value after "key: " or "- " on line {@code index}; consumes that line and any block scalar
   * lines.
   */
  private Object scalarValue(String text, int parentIndent) {
    String value = stripComment(text);
    if (value.matches("[|>][+-]?")) {
      index++;
      return blockScalar(
          value.charAt(0) == '|', value.length() > 1 ? value.charAt(1) : ' ', parentIndent);
    }
    index++;
    if (value.equals("[]")) {
      return new ArrayList<>();
    }
    if (value.equals("{}")) {
      return new LinkedHashMap<>();
    }
    char first = value.charAt(0);
    if (first == '"') {
      return doubleQuoted(value);
    }
    if (first == '\'') {
      if (value.length() < 2
          || !value.endsWith("'")
          || value.substring(1, value.length() - 1).replace("''", "").contains("'")) {
        index--;
        throw error("unclosed or multi-line single-quoted scalar");
      }
      return value.substring(1, value.length() - 1).replace("''", "'");
    }
    if ("[{&*!%@`".indexOf(first) >= 0) {
      index--;
      throw error("unsupported YAML (flow collection, anchor, tag or reserved character)");
    }
    if (index < lines.size()
        && !lines.get(index).isBlank()
        && indent(lines.get(index)) > parentIndent
        && !lines.get(index).trim().startsWith("#")) {
      throw error("multi-line plain scalars are not supported");
    }
    return value;
  }

  private String blockScalar(boolean literal, char chomping, int parentIndent) {
    List<String> content = new ArrayList<>();
    int contentIndent = -1;
    while (index < lines.size()) {
      String line = lines.get(index);
      if (line.isBlank()) {
        content.add("");
        index++;
        continue;
      }
      int lineIndent = indent(line);
      if (lineIndent <= parentIndent) {
        break;
      }
      if (contentIndent < 0) {
        contentIndent = lineIndent;
      }
      if (lineIndent < contentIndent) {
        throw error("block scalar line less indented than its first line");
      }
      content.add(line.substring(contentIndent));
      index++;
    }
    int trailingBlank = 0;
    while (!content.isEmpty() && content.get(content.size() - 1).isEmpty()) {
      content.remove(content.size() - 1);
      trailingBlank++;
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < content.size(); i++) {
      String line = content.get(i);
      if (i > 0) {
        String previous = content.get(i - 1);
        boolean fold =
            !literal
                && !line.isEmpty()
                && !previous.isEmpty()
                && !line.startsWith(" ")
                && !previous.startsWith(" ");
        out.append(fold ? " " : "\n");
      }
      out.append(line);
    }
    return switch (chomping) {
      case '-' -> out.toString();
      case '+' -> out + "\n".repeat(trailingBlank + 1);
      default -> content.isEmpty() ? "" : out + "\n";
    };
  }

  private String doubleQuoted(String value) {
    StringBuilder out = new StringBuilder();
    for (int i = 1; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '"') {
        if (i != value.length() - 1) {
          index--;
          throw error("content after a double-quoted scalar");
        }
        return out.toString();
      }
      if (c == '\\' && i + 1 < value.length()) {
        char escaped = value.charAt(++i);
        switch (escaped) {
          case 'n' -> out.append('\n');
          case 't' -> out.append('\t');
          case '"', '\\', '/' -> out.append(escaped);
          case 'u' -> {
            out.append((char) Integer.parseInt(value.substring(i + 1, i + 5), 16));
            i += 4;
          }
          default -> {
            index--;
            throw error("unsupported escape \\" + escaped);
          }
        }
      } else {
        out.append(c);
      }
    }
    index--;
    throw error("unclosed or multi-line double-quoted scalar");
  }

  private void skipInsignificant() {
    while (index < lines.size()) {
      String line = lines.get(index);
      if (line.substring(0, line.length() - line.stripLeading().length()).contains("\t")) {
        throw error("tab in indentation");
      }
      if (!line.isBlank() && !line.trim().startsWith("#")) {
        if (line.trim().equals("---") || line.trim().equals("...")) {
          throw error("multiple documents are not supported");
        }
        return;
      }
      index++;
    }
  }

  private static boolean isSequenceItem(String text) {
    return text.equals("-") || text.startsWith("- ");
  }

  /** Drops a trailing " # comment" outside quotes. */
  private static String stripComment(String text) {
    char quote = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        } else if (c == '\\' && quote == '"') {
          i++;
        }
      } else if (c == '"' || c == '\'') {
        if (i == 0 || text.charAt(i - 1) == ' ') {
          quote = c;
        }
      } else if (c == '#' && (i == 0 || text.charAt(i - 1) == ' ')) {
        return text.substring(0, i).trim();
      }
    }
    return text.trim();
  }

  private static int indent(String line) {
    int i = 0;
    while (i < line.length() && line.charAt(i) == ' ') {
      i++;
    }
    return i;
  }

  private IllegalArgumentException error(String message) {
    int line = Math.min(index, lines.size() - 1);
    return new IllegalArgumentException(
        "YAML line " + (line + 1) + ": " + message + ": " + lines.get(line));
  }
}
