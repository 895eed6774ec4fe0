package io.postwarden.core.config;

/**
 * One thing wrong with a configuration file.
 *
 * @param line the line it is on, 0 when it concerns the whole file
 * @param key the key it concerns, null when it concerns none
 * @param text the complete description, without the file and line prefix
 */
record ConfigProblem(int line, String key, String text) {

  /** The compiler-style form administrators and editors know: {@code file:line: text}. */
  String describe(String file) {
    return line > 0 ? file + ":" + line + ": " + text : file + ": " + text;
  }
}
