package io.postwarden.it.maps;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A shipped main.cf snippet (deploy/postfix) read as Postfix reads main.cf: comments skipped,
 * indented lines continue the previous one. Tests apply the snippet itself, with only the example
 * names replaced, so what ships is what runs.
 */
final class PostfixSnippet {

  static final Path DIR = Path.of("..", "deploy", "postfix");

  private PostfixSnippet() {}

  /** name = value pairs, in order, with each {@code replacements} key replaced by its value. */
  static Map<String, String> mainCf(String file, Map<String, String> replacements) {
    Map<String, String> settings = new LinkedHashMap<>();
    String last = null;
    for (String line : read(file, replacements).split("\n")) {
      if (line.isBlank() || line.stripLeading().startsWith("#")) {
        continue;
      }
      if (Character.isWhitespace(line.charAt(0)) && last != null) {
        settings.put(last, settings.get(last) + " " + line.trim());
      } else {
        int equals = line.indexOf('=');
        last = line.substring(0, equals).trim();
        settings.put(last, line.substring(equals + 1).trim());
      }
    }
    return settings;
  }

  /** A shipped table, with replacements, written to {@code target}; returns its path. */
  static Path table(String file, Map<String, String> replacements, Path target) {
    try {
      return Files.writeString(target, read(file, replacements));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String read(String file, Map<String, String> replacements) {
    try {
      String text = Files.readString(DIR.resolve(file));
      for (Map.Entry<String, String> replacement : replacements.entrySet()) {
        if (!text.contains(replacement.getKey())) {
          throw new IllegalArgumentException(file + " no longer contains " + replacement.getKey());
        }
        text = text.replace(replacement.getKey(), replacement.getValue());
      }
      return text;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
