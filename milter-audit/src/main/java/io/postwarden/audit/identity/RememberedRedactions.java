package io.postwarden.audit.identity;

import io.postwarden.core.bounded.LruMap;
import java.util.List;
import java.util.Map;

/**
 * The redacted forms of recent command lines. One client process sends many messages (a PHP-FPM
 * worker lives for days) and redaction is mostly regular-expression work, so the same line is
 * redacted once. Bounded: the most recently used {@value #ENTRIES} lines of at most {@value
 * #LONGEST} characters; a longer line is redacted each time.
 */
final class RememberedRedactions {

  static final int ENTRIES = 256;
  static final int LONGEST = 4096;

  private final CommandLineRedactor redactor;
  private final Map<List<String>, List<String>> recent = new LruMap<>(ENTRIES);

  RememberedRedactions(CommandLineRedactor redactor) {
    this.redactor = redactor;
  }

  List<String> redact(List<String> commandLine) {
    if (length(commandLine) > LONGEST) {
      return redactor.redact(commandLine);
    }
    synchronized (recent) {
      List<String> known = recent.get(commandLine);
      if (known != null) {
        return known;
      }
    }
    List<String> redacted = redactor.redact(commandLine);
    synchronized (recent) {
      recent.put(List.copyOf(commandLine), redacted);
    }
    return redacted;
  }

  private static int length(List<String> commandLine) {
    int length = 0;
    for (String argument : commandLine) {
      length += argument.length() + 1;
    }
    return length;
  }
}
