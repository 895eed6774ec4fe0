package io.postwarden.core.config;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads the file syntax into {@link ConfigEntry}s. It knows nothing of the schema: which keys exist
 * and what their values mean is {@link ConfigBinder}'s concern.
 *
 * <p>After a syntax error it records the problem and resumes at the next line (or after the list
 * the error is in), so that a single run reports every problem in the file.
 */
final class ConfigParser {

  /** Entries in file order, and the syntax problems met on the way. */
  record Result(List<ConfigEntry> entries, List<ConfigProblem> problems) {}

  private static final Pattern KEY_NAME = Pattern.compile("[a-z][a-z0-9-]*");

  /**
   * How a line that assigns a key begins; seeing one inside a list means the list's '}' is missing.
   */
  private static final Pattern ENTRY_START = Pattern.compile("[a-z][a-z0-9-]*[ \\t]*=");

  private static final String BYTE_ORDER_MARK = "\uFEFF";

  private final SourceCursor in;
  private final List<ConfigEntry> entries = new ArrayList<>();
  private final List<ConfigProblem> problems = new ArrayList<>();

  /** Decides how to recover from a syntax error: skip the line, or skip the rest of the list. */
  private boolean inList;

  private ConfigParser(String text) {
    in = new SourceCursor(text);
  }

  static Result parse(String text) {
    // Files written on Windows or by Notepad; a lone CR left over is treated as white space.
    String normalized = text.replace("\r\n", "\n");
    if (normalized.startsWith(BYTE_ORDER_MARK)) {
      normalized = normalized.substring(BYTE_ORDER_MARK.length());
    }
    return new ConfigParser(normalized).parseEntries();
  }

  private Result parseEntries() {
    in.skipWhitespaceAndComments();
    while (!in.atEnd()) {
      try {
        entries.add(parseEntry());
      } catch (SyntaxError error) {
        problems.add(new ConfigProblem(error.line, null, "syntax error: " + error.getMessage()));
        resumeAfter(error);
      }
      in.skipWhitespaceAndComments();
    }
    return new Result(List.copyOf(entries), List.copyOf(problems));
  }

  private ConfigEntry parseEntry() {
    int line = in.line();
    String key = in.takeWhile(c -> !Character.isWhitespace(c) && c != '=' && c != '#');
    if (key.isEmpty()) {
      throw syntaxError("missing key name before '='");
    }
    if (!KEY_NAME.matcher(key).matches()) {
      throw syntaxError(
          "invalid key name '"
              + key
              + "' (lower-case letters, digits and '-', starting with a letter)");
    }
    in.skipSpaces();
    if (!in.take('=')) {
      throw syntaxError("expected '=' after '" + key + "'");
    }
    in.skipSpaces();
    if (in.atLineEnd()) {
      throw syntaxError("missing value for '" + key + "'");
    }
    ConfigValue value = in.peek() == '{' ? parseList() : new ConfigValue.Scalar(parseText());
    in.skipSpaces();
    if (!in.atLineEnd()) {
      String extra = in.takeWhile(c -> !Character.isWhitespace(c) && c != '#');
      throw syntaxError("unexpected '" + extra + "' after the value of '" + key + "'");
    }
    return new ConfigEntry(key, line, value);
  }

  private ConfigValue parseList() {
    int openingLine = in.line();
    in.take('{');
    inList = true;
    List<String> items = new ArrayList<>();
    skipListLayout(openingLine);
    while (!in.take('}')) {
      items.add(parseText());
      skipListLayout(openingLine);
      if (in.take(',')) {
        skipListLayout(openingLine);
      } else if (in.peek() != '}') {
        throw syntaxError("expected ',' or '}' after a list item, got '" + in.peek() + "'");
      }
    }
    inList = false;
    return new ConfigValue.ListValue(items);
  }

  /**
   * Skips white space, line breaks and comments inside a list, noticing when its '}' is missing.
   */
  private void skipListLayout(int openingLine) {
    boolean crossedLine = in.skipWhitespaceAndComments();
    if (in.atEnd() || (crossedLine && in.lookingAt(ENTRY_START))) {
      throw new SyntaxError(openingLine, "unterminated list (missing '}')", Resume.HERE);
    }
  }

  /** A quoted string or a bare word; the caller has made sure the line has content left. */
  private String parseText() {
    if (in.peek() == '"') {
      return parseQuoted();
    }
    String word = in.takeWhile(c -> !endsBareWord(c));
    if (word.isEmpty()) {
      throw syntaxError("expected a value, got '" + in.peek() + "'");
    }
    return word;
  }

  /**
   * Besides white space and '#', the characters that delimit strings and lists end a bare word, and
   * inside a list so does ',' (outside one it is an ordinary character, as in {@code a,b}).
   */
  private boolean endsBareWord(int c) {
    return Character.isWhitespace(c)
        || c == '#'
        || c == '"'
        || c == '{'
        || c == '}'
        || (inList && c == ',');
  }

  private String parseQuoted() {
    in.take('"');
    StringBuilder text = new StringBuilder();
    while (!in.atEnd() && in.peek() != '\n') {
      char c = in.next();
      if (c == '"') {
        return text.toString();
      }
      text.append(c == '\\' ? parseEscape() : c);
    }
    throw syntaxError("unterminated string");
  }

  private char parseEscape() {
    if (in.atEnd() || in.peek() == '\n') {
      throw syntaxError("unterminated string");
    }
    char c = in.next();
    return switch (c) {
      case '"', '\\' -> c;
      case 'n' -> '\n';
      case 't' -> '\t';
      default -> throw syntaxError("unknown escape '\\" + c + "' in string");
    };
  }

  private SyntaxError syntaxError(String message) {
    return new SyntaxError(in.line(), message, inList ? Resume.AFTER_LIST : Resume.NEXT_LINE);
  }

  private void resumeAfter(SyntaxError error) {
    switch (error.resume) {
      case NEXT_LINE -> in.skipRestOfLine();
      case AFTER_LIST -> skipRestOfList();
      case HERE -> {}
    }
    inList = false;
  }

  /**
   * Skips past the list's '}', or to the next entry if the '}' is missing, so its items are not
   * read as keys. Braces are counted because a mistakenly nested list has a '}' of its own.
   */
  private void skipRestOfList() {
    int depth = 1;
    while (!in.atEnd()) {
      char c = in.next();
      if (c == '{') {
        depth++;
      } else if (c == '}' && --depth == 0) {
        return;
      } else if (c == '\n') {
        in.skipSpaces();
        if (in.lookingAt(ENTRY_START)) {
          return;
        }
      }
    }
  }

  /** Where parsing picks up again after a syntax error. */
  private enum Resume {
    NEXT_LINE,
    AFTER_LIST,
    /** The error was only noticed at the start of the next entry, which is still to be read. */
    HERE
  }

  /** Abandons the entry being parsed; only ever caught in {@link #parseEntries}. */
  private static final class SyntaxError extends RuntimeException {

    private final int line;
    private final Resume resume;

    SyntaxError(int line, String message, Resume resume) {
      super(message, null, false, false); // control flow within the parser: no stack trace needed
      this.line = line;
      this.resume = resume;
    }
  }
}
