package io.postwarden.core.config;

import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A configuration file that cannot be used. The message lists every problem found, one per line in
 * {@code file:line: description} form, sorted by line; {@link #file()}, {@link #line()} and {@link
 * #key()} describe the first.
 */
public final class ConfigException extends Exception {

  private final String file;
  private final int line;
  private final String key;

  private ConfigException(String file, List<ConfigProblem> sortedProblems, Throwable cause) {
    super(
        sortedProblems.stream()
            .map(problem -> problem.describe(file))
            .collect(Collectors.joining("\n")),
        cause);
    ConfigProblem first = sortedProblems.get(0);
    this.file = file;
    this.line = first.line();
    this.key = first.key();
  }

  /**
   * @param problems at least one, in any order
   */
  static ConfigException of(String file, List<ConfigProblem> problems) {
    List<ConfigProblem> sorted =
        problems.stream().sorted(Comparator.comparingInt(ConfigProblem::line)).toList();
    return new ConfigException(file, sorted, null);
  }

  /**
   * Problems of the file as a whole, such as rules spanning several keys; each description names
   * its keys.
   */
  public static ConfigException ofWholeFile(String file, List<String> descriptions) {
    return of(file, descriptions.stream().map(text -> new ConfigProblem(0, null, text)).toList());
  }

  static ConfigException unreadable(String file, String reason, Throwable cause) {
    return new ConfigException(file, List.of(new ConfigProblem(0, null, reason)), cause);
  }

  /** The file as named when loading it, or the source name given to {@link Config#parse}. */
  public String file() {
    return file;
  }

  /** The line of the first problem, 0 when it concerns the whole file. */
  public int line() {
    return line;
  }

  /** The key the first problem concerns, null when it concerns none (e.g. a syntax error). */
  public String key() {
    return key;
  }
}
