package io.postwarden.it.ops;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Finds the series selectors, label matchers and grouping labels of a PromQL expression. Not a full
 * parser: it tokenizes, then tells metric names from function names, keywords and label names by
 * what follows them, which is unambiguous in PromQL. Grafana variables ({@code $instance}, {@code
 * ${x}}, {@code [[x]]}) are kept as variable tokens. Syntax errors it cannot make sense of throw;
 * full syntax is checked by promtool when present.
 */
final class PromQl {

  record Matcher(String label, String op, String value) {
    @Override
    public String toString() {
      return label + op + '"' + value + '"';
    }
  }

  /** {@code metric} is null for a selector without a name ({@code {job="x"}}). */
  record Selector(String metric, List<Matcher> matchers) {}

  record Analysis(
      String expr, List<Selector> selectors, Set<String> groupingLabels, Set<String> variables) {}

  private enum Kind {
    IDENT,
    STRING,
    NUMBER,
    VARIABLE,
    PUNCT
  }

  private record Token(Kind kind, String text) {}

  private static final Set<String> AGGREGATIONS =
      Set.of(
          "sum",
          "min",
          "max",
          "avg",
          "group",
          "stddev",
          "stdvar",
          "count",
          "count_values",
          "bottomk",
          "topk",
          "quantile",
          "limitk",
          "limit_ratio");
  private static final Set<String> GROUPING =
      Set.of("by", "without", "on", "ignoring", "group_left", "group_right");
  private static final Set<String> KEYWORDS =
      Set.of("and", "or", "unless", "atan2", "bool", "offset", "inf", "nan");

  private PromQl() {}

  static Analysis analyse(String expr) {
    List<Token> tokens = tokenize(expr);
    List<Selector> selectors = new ArrayList<>();
    Set<String> grouping = new LinkedHashSet<>();
    Set<String> variables = new LinkedHashSet<>();
    for (int i = 0; i < tokens.size(); i++) {
      Token token = tokens.get(i);
      Token next = i + 1 < tokens.size() ? tokens.get(i + 1) : null;
      switch (token.kind()) {
        case VARIABLE -> variables.add(token.text());
        case PUNCT -> {
          if (token.text().equals("[")) {
            i = skipRange(tokens, i, variables);
          } else if (token.text().equals("{")) {
            List<Matcher> matchers = new ArrayList<>();
            i = matchers(tokens, i, matchers, expr);
            String name =
                matchers.stream()
                    .filter(m -> m.label().equals("__name__") && m.op().equals("="))
                    .map(Matcher::value)
                    .findFirst()
                    .orElse(null);
            selectors.add(
                new Selector(
                    name, matchers.stream().filter(m -> !m.label().equals("__name__")).toList()));
          }
        }
        case IDENT -> {
          String word = token.text();
          String lower = word.toLowerCase(Locale.ROOT);
          boolean call = next != null && next.text().equals("(");
          if (GROUPING.contains(lower)) {
            if (call) {
              i = labelList(tokens, i + 1, grouping, expr);
            }
          } else if (call
              || KEYWORDS.contains(lower)
              || (AGGREGATIONS.contains(lower)
                  && next != null
                  && next.kind() == Kind.IDENT
                  && Set.of("by", "without").contains(next.text().toLowerCase(Locale.ROOT)))) {
            continue; // a function or aggregation, or a binary operator keyword
          } else {
            List<Matcher> matchers = new ArrayList<>();
            if (next != null && next.text().equals("{")) {
              i = matchers(tokens, i + 1, matchers, expr);
            }
            selectors.add(new Selector(word, matchers));
          }
        }
        default -> {}
      }
    }
    return new Analysis(expr, selectors, grouping, variables);
  }

  /** Skips a range or subquery ({@code [5m]}, {@code [$__rate_interval]}, {@code [1h:5m]}). */
  private static int skipRange(List<Token> tokens, int open, Set<String> variables) {
    for (int i = open + 1; i < tokens.size(); i++) {
      if (tokens.get(i).kind() == Kind.VARIABLE) {
        variables.add(tokens.get(i).text());
      }
      if (tokens.get(i).text().equals("]")) {
        return i;
      }
    }
    throw new IllegalArgumentException("unclosed [");
  }

  private static int labelList(List<Token> tokens, int open, Set<String> into, String expr) {
    for (int i = open + 1; i < tokens.size(); i++) {
      Token token = tokens.get(i);
      if (token.text().equals(")")) {
        return i;
      }
      if (token.kind() == Kind.IDENT || token.kind() == Kind.STRING) {
        into.add(token.text());
      } else if (!token.text().equals(",")) {
        throw new IllegalArgumentException(
            "unexpected " + token.text() + " in label list of: " + expr);
      }
    }
    throw new IllegalArgumentException("unclosed label list in: " + expr);
  }

  private static int matchers(List<Token> tokens, int open, List<Matcher> into, String expr) {
    int i = open + 1;
    while (i < tokens.size()) {
      Token token = tokens.get(i);
      if (token.text().equals("}") && token.kind() == Kind.PUNCT) {
        return i;
      }
      if (token.text().equals(",") && token.kind() == Kind.PUNCT) {
        i++;
        continue;
      }
      if (i + 2 >= tokens.size()
          || !(token.kind() == Kind.IDENT || token.kind() == Kind.STRING)
          || !Set.of("=", "!=", "=~", "!~").contains(tokens.get(i + 1).text())
          || tokens.get(i + 2).kind() != Kind.STRING) {
        throw new IllegalArgumentException(
            "unreadable label matcher at '" + token.text() + "' in: " + expr);
      }
      into.add(new Matcher(token.text(), tokens.get(i + 1).text(), tokens.get(i + 2).text()));
      i += 3;
    }
    throw new IllegalArgumentException("unclosed { in: " + expr);
  }

  private static List<Token> tokenize(String expr) {
    List<Token> tokens = new ArrayList<>();
    int i = 0;
    while (i < expr.length()) {
      char c = expr.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (c == '#') {
        while (i < expr.length() && expr.charAt(i) != '\n') {
          i++;
        }
      } else if (c == '"' || c == '\'' || c == '`') {
        StringBuilder value = new StringBuilder();
        int j = i + 1;
        while (true) {
          if (j >= expr.length()) {
            throw new IllegalArgumentException("unclosed string in: " + expr);
          }
          char d = expr.charAt(j);
          if (d == c) {
            break;
          }
          if (d == '\\' && c != '`') {
            char escaped = expr.charAt(++j);
            value.append(
                switch (escaped) {
                  case 'n' -> '\n';
                  case 't' -> '\t';
                  default -> escaped;
                });
          } else {
            value.append(d);
          }
          j++;
        }
        tokens.add(new Token(Kind.STRING, value.toString()));
        i = j + 1;
      } else if (c == '$') {
        int j = i + 1;
        if (j < expr.length() && expr.charAt(j) == '{') {
          j = expr.indexOf('}', j) + 1;
          if (j == 0) {
            throw new IllegalArgumentException("unclosed ${ in: " + expr);
          }
        } else {
          while (j < expr.length() && isWordChar(expr.charAt(j))) {
            j++;
          }
        }
        tokens.add(new Token(Kind.VARIABLE, expr.substring(i, j)));
        i = j;
      } else if (c == '[' && expr.startsWith("[[", i)) {
        int j = expr.indexOf("]]", i);
        if (j < 0) {
          throw new IllegalArgumentException("unclosed [[ in: " + expr);
        }
        tokens.add(new Token(Kind.VARIABLE, expr.substring(i, j + 2)));
        i = j + 2;
      } else if (Character.isDigit(c)
          || (c == '.' && i + 1 < expr.length() && Character.isDigit(expr.charAt(i + 1)))) {
        int j = i;
        while (j < expr.length()
            && (isWordChar(expr.charAt(j))
                || expr.charAt(j) == '.'
                || ((expr.charAt(j) == '+' || expr.charAt(j) == '-')
                    && (expr.charAt(j - 1) == 'e' || expr.charAt(j - 1) == 'E')
                    && !expr.substring(i, j).startsWith("0x")))) {
          j++;
        }
        tokens.add(new Token(Kind.NUMBER, expr.substring(i, j)));
        i = j;
      } else if (Character.isLetter(c) || c == '_' || c == ':') {
        int j = i;
        while (j < expr.length() && (isWordChar(expr.charAt(j)) || expr.charAt(j) == ':')) {
          j++;
        }
        tokens.add(new Token(Kind.IDENT, expr.substring(i, j)));
        i = j;
      } else {
        String two = i + 1 < expr.length() ? expr.substring(i, i + 2) : "";
        if (Set.of("=~", "!~", "!=", "==", ">=", "<=").contains(two)) {
          tokens.add(new Token(Kind.PUNCT, two));
          i += 2;
        } else {
          tokens.add(new Token(Kind.PUNCT, String.valueOf(c)));
          i++;
        }
      }
    }
    return tokens;
  }

  private static boolean isWordChar(char c) {
    return Character.isLetterOrDigit(c) || c == '_';
  }
}
