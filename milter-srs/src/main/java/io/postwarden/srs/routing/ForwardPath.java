package io.postwarden.srs.routing;

import io.postwarden.core.postfix.PostfixCommands;
import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Postfix's {@code forward_path}, expanded for one recipient as local(8) does (local_expand.c,
 * mac_expand.c): {@code $name}, {@code ${name}}, {@code $(name)}, {@code ${name?text}}, {@code
 * ${name:text}}, {@code ${name?{text}:{text}}} and {@code $$}, over the attributes local(8) knows
 * (user, home, shell, local, mailbox, domain, recipient, extension, recipient_delimiter). An item
 * that names an attribute with no value (no extension) is skipped, as local(8) skips it; characters
 * of a value outside {@code forward_expansion_filter} become '_'.
 */
final class ForwardPath {

  private final List<String> items;
  private final String filter;

  ForwardPath(String forwardPath, String expansionFilter) {
    this.items = PostfixCommands.list(forwardPath);
    this.filter = expansionFilter;
  }

  /**
   * The files local(8) tries, in order (the first that exists is used).
   *
   * @throws IOException a syntax local(8) would refuse, or a relative result
   */
  List<Path> candidates(Map<String, String> attributes) throws IOException {
    List<Path> paths = new ArrayList<>();
    for (String item : items) {
      Optional<String> expanded = expand(item, attributes);
      if (expanded.isEmpty()) {
        continue;
      }
      try {
        Path path = Path.of(expanded.get());
        if (!path.isAbsolute()) {
          throw new IOException("forward_path item " + item + " is not an absolute path");
        }
        paths.add(path);
      } catch (InvalidPathException e) {
        throw new IOException("forward_path item " + item + ": " + e.getMessage());
      }
    }
    return paths;
  }

  /** The text with its $names replaced; empty when it names an attribute without a value. */
  Optional<String> expand(String text, Map<String, String> attributes) throws IOException {
    StringBuilder out = new StringBuilder();
    return append(out, text, attributes) ? Optional.of(out.toString()) : Optional.empty();
  }

  /** False when a plain reference names an attribute without a value. */
  private boolean append(StringBuilder out, String text, Map<String, String> attributes)
      throws IOException {
    boolean defined = true;
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c != '$') {
        out.append(c);
        i++;
        continue;
      }
      if (i + 1 >= text.length()) {
        throw new IOException("forward_path: $ at the end of " + text);
      }
      char next = text.charAt(i + 1);
      if (next == '$') {
        out.append('$');
        i += 2;
      } else if (next == '{' || next == '(') {
        int close = closing(text, i + 1);
        defined &= reference(out, text.substring(i + 2, close), attributes);
        i = close + 1;
      } else {
        int end = i + 1;
        while (end < text.length() && isNameChar(text.charAt(end))) {
          end++;
        }
        if (end == i + 1) {
          throw new IOException("forward_path: no name after $ in " + text);
        }
        defined &= reference(out, text.substring(i + 1, end), attributes);
        i = end;
      }
    }
    return defined;
  }

  /** {@code name}, {@code name?text}, {@code name:text} or {@code name?{text}:{text}}. */
  private boolean reference(StringBuilder out, String inner, Map<String, String> attributes)
      throws IOException {
    int end = 0;
    while (end < inner.length() && isNameChar(inner.charAt(end))) {
      end++;
    }
    if (end == 0) {
      throw new IOException("forward_path: bad attribute reference ${" + inner + "}");
    }
    String value = attributes.get(inner.substring(0, end));
    boolean present = value != null && !value.isEmpty();
    String rest = inner.substring(end);
    if (rest.isEmpty()) {
      if (value == null) {
        return false;
      }
      out.append(filtered(value));
      return true;
    }
    char operator = rest.charAt(0);
    rest = rest.substring(1);
    String ifTrue = null;
    String ifFalse = null;
    if (operator == '?' && rest.startsWith("{")) {
      int close = closing(rest, 0);
      ifTrue = rest.substring(1, close);
      rest = rest.substring(close + 1);
      if (rest.startsWith(":")) {
        ifFalse = payload(rest.substring(1), inner);
      } else if (!rest.isEmpty()) {
        throw new IOException("forward_path: \":\" expected in ${" + inner + "}");
      }
    } else if (operator == '?') {
      ifTrue = rest;
    } else if (operator == ':') {
      ifFalse = payload(rest, inner);
    } else {
      throw new IOException("forward_path: bad attribute reference ${" + inner + "}");
    }
    String chosen = present ? ifTrue : ifFalse;
    return chosen == null || append(out, chosen, attributes);
  }

  /** {@code {text}} or plain text, up to the end of the reference. */
  private static String payload(String text, String inner) throws IOException {
    if (!text.startsWith("{")) {
      return text;
    }
    int close = closing(text, 0);
    if (close != text.length() - 1) {
      throw new IOException("forward_path: unexpected text after } in ${" + inner + "}");
    }
    return text.substring(1, close);
  }

  private String filtered(String value) {
    StringBuilder out = new StringBuilder(value.length());
    value.chars().forEach(c -> out.append(filter.indexOf(c) >= 0 ? (char) c : '_'));
    return out.toString();
  }

  /** Index of the bracket that closes the one at {@code open}, counting nested ones. */
  private static int closing(String text, int open) throws IOException {
    char opening = text.charAt(open);
    char closing = opening == '(' ? ')' : '}';
    int depth = 0;
    for (int i = open; i < text.length(); i++) {
      char c = text.charAt(i);
      depth += c == opening ? 1 : c == closing ? -1 : 0;
      if (depth == 0) {
        return i;
      }
    }
    throw new IOException("forward_path: unbalanced " + opening + " in " + text);
  }

  private static boolean isNameChar(char c) {
    return c == '_' || (c < 128 && Character.isLetterOrDigit(c));
  }
}
