package io.postwarden.audit.identity;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hides secrets that programs take as arguments before a command line is recorded: audit records,
 * headers and log lines all get it from the client's identity, which holds only the redacted form.
 * Pure: arguments in, arguments out, each secret replaced by {@value #MASK}.
 *
 * <p>The built-in rules cover the usual forms: an option or assignment named like a secret ({@code
 * --password x}, {@code --password=x}, {@code --api-key}, {@code --token}, {@code --secret}, {@code
 * -storepass x}, {@code DB_PASSWORD=x}, {@code ?api_key=x}), MySQL's attached {@code -pX} (after a
 * mysql or mariadb program name; {@code -p} alone is its prompt and takes no value), {@code
 * user:password} after {@code -u}/{@code --user} (curl), the password in a URL's {@code
 * user:password@}, and {@code Authorization:} header values. A shell command line in one argument
 * ({@code sh -c "mysql -pX db"}) is split at white space and redacted word by word; quoting is not
 * interpreted. Operator patterns add to these: the first capture group of each match, or the whole
 * match, is hidden.
 */
public final class CommandLineRedactor {

  public static final String MASK = "***";

  private static final Pattern WHITESPACE_RUNS = Pattern.compile("\\s+|\\S+");
  private static final Pattern ASSIGNMENT =
      Pattern.compile("(?<![\\w.-])([\\w.-]+)=([^\\s;&'\"]+)");
  private static final Pattern URL_PASSWORD =
      Pattern.compile("(\\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\\s/?#@:]*):[^\\s/?#]*@");
  private static final Pattern AUTHORIZATION =
      Pattern.compile("(?i)(authorization:\\s*(?:[a-z]+\\s+)?)[^\\s'\"]+");

  /**
   * curl's credentials: {@code -u user:password}, {@code -uuser:password}, {@code
   * --user=user:password}.
   */
  private static final Pattern USER_OPTION = Pattern.compile("-u|--user|--proxy-user");

  private static final Pattern USER_WITH_VALUE = Pattern.compile("(-u|--user=|--proxy-user=)(.+)");
  private static final Pattern MYSQL_PROGRAM = Pattern.compile("(?:mysql|mariadb)[\\w-]*");
  private static final List<String> SECRET_SUFFIXES =
      List.of(
          "password",
          "passwd",
          "passphrase",
          "secret",
          "token",
          "apikey",
          "api_key",
          "access_key",
          "secret_key",
          "private_key",
          "credentials",
          "storepass",
          "keypass");

  /**
   * Too short to match inside longer words ("bypass"): only whole or after an underscore
   * ("db_pass").
   */
  private static final List<String> SHORT_SECRET_NAMES = List.of("pass", "pwd");

  private final boolean builtIn;
  private final List<Pattern> extra;

  /**
   * @param builtIn whether the built-in rules apply (off: command lines are recorded with their
   *     secrets)
   * @param extra the operator's patterns, applied to each argument whether or not the built-in
   *     rules are on
   */
  public CommandLineRedactor(boolean builtIn, List<Pattern> extra) {
    this.builtIn = builtIn;
    this.extra = List.copyOf(extra);
  }

  public List<String> redact(List<String> arguments) {
    List<String> words = builtIn ? redactWords(arguments) : arguments;
    return words.stream().map(this::redactWithin).toList();
  }

  /**
   * Rules that span words: an option followed by its secret, and the forms that depend on the
   * program.
   */
  private static List<String> redactWords(List<String> words) {
    List<String> out = new ArrayList<>(words);
    boolean mysql = false;
    for (int i = 0; i < out.size(); i++) {
      String word = out.get(i);
      String name = withoutOptionDashes(word);
      mysql |= MYSQL_PROGRAM.matcher(word.substring(word.lastIndexOf('/') + 1)).matches();
      boolean option = word.startsWith("-") && !name.isEmpty() && name.indexOf('=') < 0;
      boolean nextIsValue = i + 1 < out.size();
      if (option && secretName(name) && !mysql && nextIsValue) {
        // mysql's --password takes its value only as --password=x: alone, it prompts
        i++;
        out.set(i, MASK);
      } else if (mysql && word.startsWith("-p") && word.length() > 2) {
        out.set(i, "-p" + MASK);
      } else if (USER_OPTION.matcher(word).matches() && nextIsValue) {
        i++;
        out.set(i, withoutPasswordAfterColon(out.get(i)));
      } else {
        Matcher user = USER_WITH_VALUE.matcher(word);
        if (user.matches()) {
          out.set(i, user.group(1) + withoutPasswordAfterColon(user.group(2)));
        }
      }
    }
    return out;
  }

  private String redactWithin(String argument) {
    String redacted = argument;
    if (builtIn) {
      redacted = redactShellWords(redacted);
      redacted = redactAssignments(redacted);
      redacted =
          URL_PASSWORD.matcher(redacted).replaceAll("$1:" + Matcher.quoteReplacement(MASK) + "@");
      redacted = AUTHORIZATION.matcher(redacted).replaceAll("$1" + Matcher.quoteReplacement(MASK));
    }
    for (Pattern pattern : extra) {
      redacted = maskMatches(pattern, redacted);
    }
    return redacted;
  }

  /**
   * One argument holding several words (a shell command): the word rules apply inside it, spacing
   * kept.
   */
  private static String redactShellWords(String argument) {
    List<String> pieces = new ArrayList<>();
    List<String> words = new ArrayList<>();
    Matcher run = WHITESPACE_RUNS.matcher(argument);
    while (run.find()) {
      pieces.add(run.group());
      if (!Character.isWhitespace(run.group().charAt(0))) {
        words.add(run.group());
      }
    }
    if (words.size() < 2) {
      return argument;
    }
    List<String> redacted = redactWords(words);
    StringBuilder joined = new StringBuilder(argument.length());
    int word = 0;
    for (String piece : pieces) {
      joined.append(Character.isWhitespace(piece.charAt(0)) ? piece : redacted.get(word++));
    }
    return joined.toString();
  }

  /**
   * NAME=VALUE anywhere in an argument: {@code --password=x}, {@code DB_PASSWORD=x}, {@code
   * ?api_key=x&}.
   */
  private static String redactAssignments(String argument) {
    Matcher assignment = ASSIGNMENT.matcher(argument);
    StringBuilder out = new StringBuilder();
    while (assignment.find()) {
      String name = withoutOptionDashes(assignment.group(1));
      String replacement = secretName(name) ? assignment.group(1) + "=" + MASK : assignment.group();
      assignment.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    return assignment.appendTail(out).toString();
  }

  /**
   * "--name" and "-name" as "name" (String.replaceFirst would compile its pattern on every call).
   */
  private static String withoutOptionDashes(String word) {
    return word.substring(word.startsWith("--") ? 2 : word.startsWith("-") ? 1 : 0);
  }

  private static String maskMatches(Pattern pattern, String argument) {
    Matcher match = pattern.matcher(argument);
    StringBuilder out = new StringBuilder();
    int copied = 0;
    while (match.find()) {
      boolean grouped = match.groupCount() >= 1 && match.start(1) >= 0;
      int start = grouped ? match.start(1) : match.start();
      int end = grouped ? match.end(1) : match.end();
      if (end > start) {
        out.append(argument, copied, start).append(MASK);
        copied = end;
      }
    }
    return out.append(argument, copied, argument.length()).toString();
  }

  private static String withoutPasswordAfterColon(String credentials) {
    int colon = credentials.indexOf(':');
    return colon < 0 ? credentials : credentials.substring(0, colon + 1) + MASK;
  }

  /**
   * Whether an option or variable names a secret: {@code db-password}, {@code API_KEY}; not {@code
   * no-password}.
   */
  static boolean secretName(String name) {
    String normal = name.toLowerCase(Locale.ROOT).replace('-', '_').replace('.', '_');
    if (normal.startsWith("no_")) {
      return false;
    }
    return SECRET_SUFFIXES.stream().anyMatch(normal::endsWith)
        || SHORT_SECRET_NAMES.stream()
            .anyMatch(word -> normal.equals(word) || normal.endsWith("_" + word));
  }
}
