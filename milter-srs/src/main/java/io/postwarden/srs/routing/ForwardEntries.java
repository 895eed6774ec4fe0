package io.postwarden.srs.routing;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The entries of a forward or :include: file as local(8) reads them (token.c): line by line, a line
 * whose first character is '#' is a comment, every other line an RFC 822 address list (commas
 * between entries, "quoted strings", (comments), {@code Name <address>}). Entries come back
 * unquoted: {@code "|procmail -f-"} is {@code |procmail -f-}. No I/O.
 */
final class ForwardEntries {

  private ForwardEntries() {}

  /**
   * @throws IOException more than {@code maxEntries} entries, or a line local(8) could not parse
   *     (an unclosed quote, comment or angle bracket)
   */
  static List<String> parse(String content, int maxEntries) throws IOException {
    List<String> entries = new ArrayList<>();
    for (String line : content.split("\n", -1)) {
      if (line.startsWith("#")) {
        continue;
      }
      parseLine(line, entries, maxEntries);
    }
    return entries;
  }

  private static void parseLine(String line, List<String> entries, int maxEntries)
      throws IOException {
    StringBuilder entry = new StringBuilder();
    StringBuilder angle = null;
    boolean space = false;
    int i = 0;
    while (i < line.length()) {
      char c = line.charAt(i);
      StringBuilder target = angle != null ? angle : entry;
      if (c == '"') {
        int end = i + 1;
        StringBuilder quoted = new StringBuilder();
        while (end < line.length() && line.charAt(end) != '"') {
          if (line.charAt(end) == '\\' && end + 1 < line.length()) {
            end++;
          }
          quoted.append(line.charAt(end++));
        }
        if (end >= line.length()) {
          throw new IOException("unclosed quote");
        }
        separate(target, space);
        target.append(quoted);
        space = false;
        i = end + 1;
      } else if (c == '(') {
        i = afterComment(line, i);
      } else if (c == '<') {
        angle = new StringBuilder();
        space = false;
        i++;
      } else if (c == '>' && angle != null) {
        entry.setLength(0);
        entry.append(angle);
        angle = null;
        i++;
      } else if (c == ',' && angle == null) {
        add(entry, entries, maxEntries);
        space = false;
        i++;
      } else if (c == ' ' || c == '\t' || c == '\r') {
        space = target.length() > 0;
        i++;
      } else {
        separate(target, space);
        space = false;
        target.append(c);
        i++;
      }
    }
    if (angle != null) {
      throw new IOException("unclosed <");
    }
    add(entry, entries, maxEntries);
  }

  /** Words of one entry keep one space between them ({@code |/usr/bin/procmail -f-}). */
  private static void separate(StringBuilder target, boolean space) {
    if (space && target.length() > 0) {
      target.append(' ');
    }
  }

  private static int afterComment(String line, int open) throws IOException {
    int depth = 0;
    for (int i = open; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == '(') {
        depth++;
      } else if (c == ')' && --depth == 0) {
        return i + 1;
      }
    }
    throw new IOException("unclosed comment");
  }

  private static void add(StringBuilder entry, List<String> entries, int maxEntries)
      throws IOException {
    String text = entry.toString().strip();
    entry.setLength(0);
    if (text.isEmpty()) {
      return;
    }
    if (entries.size() >= maxEntries) {
      throw new IOException("more than " + maxEntries + " entries");
    }
    entries.add(text);
  }
}
