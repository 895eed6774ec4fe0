package io.postwarden.core.config;

import java.util.function.IntPredicate;
import java.util.regex.Pattern;

/**
 * A read position in configuration text that counts lines, so every problem can name the line it is
 * on.
 */
final class SourceCursor {

  private final String text;
  private int position;
  private int line = 1;

  SourceCursor(String text) {
    this.text = text;
  }

  int line() {
    return line;
  }

  boolean atEnd() {
    return position >= text.length();
  }

  /** True at the end of the line's content: a line break, a comment, or the end of the text. */
  boolean atLineEnd() {
    return atEnd() || peek() == '\n' || peek() == '#';
  }

  char peek() {
    return text.charAt(position);
  }

  char next() {
    char c = text.charAt(position++);
    if (c == '\n') {
      line++;
    }
    return c;
  }

  /** Consumes {@code expected} if it is next. */
  boolean take(char expected) {
    if (atEnd() || peek() != expected) {
      return false;
    }
    next();
    return true;
  }

  /** Consumes characters while they match and returns them; empty if the next one does not. */
  String takeWhile(IntPredicate matches) {
    int start = position;
    while (!atEnd() && matches.test(peek())) {
      next();
    }
    return text.substring(start, position);
  }

  /** True if the text from here on starts with a match of {@code pattern}. Consumes nothing. */
  boolean lookingAt(Pattern pattern) {
    return pattern.matcher(text).region(position, text.length()).lookingAt();
  }

  /** Skips white space on the current line. */
  void skipSpaces() {
    takeWhile(c -> c != '\n' && Character.isWhitespace(c));
  }

  /** Skips to the line break ending the current line, leaving it unread. */
  void skipRestOfLine() {
    takeWhile(c -> c != '\n');
  }

  /**
   * Skips white space, line breaks and comments.
   *
   * @return whether a line break was crossed
   */
  boolean skipWhitespaceAndComments() {
    int startLine = line;
    while (!atEnd()) {
      if (peek() == '#') {
        skipRestOfLine();
      } else if (Character.isWhitespace(peek())) {
        next();
      } else {
        break;
      }
    }
    return line != startLine;
  }
}
