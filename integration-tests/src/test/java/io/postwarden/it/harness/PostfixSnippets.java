package io.postwarden.it.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The shipped Postfix snippets and tables of one directory: the source tree's deploy/postfix, or
 * where the Debian package installed them. Tests apply the files themselves, with only the example
 * names replaced, so what ships is what runs.
 */
public final class PostfixSnippets {

  /** deploy/postfix of this source tree. */
  public static final PostfixSnippets SOURCE =
      new PostfixSnippets(Path.of("..", "deploy", "postfix"));

  private final Path dir;

  public PostfixSnippets(Path dir) {
    this.dir = dir;
  }

  /**
   * A snippet's name = value pairs, in order, read as Postfix reads main.cf: comments skipped,
   * indented lines continue the previous one.
   */
  public Map<String, String> mainCf(String file, Map<String, String> replacements) {
    Map<String, String> settings = new LinkedHashMap<>();
    String last = null;
    for (String line : text(file, replacements).split("\n")) {
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
  public Path table(String file, Map<String, String> replacements, Path target) {
    Workspace.writeBackdated(target, text(file, replacements));
    return target;
  }

  /**
   * A file's text with each {@code replacements} key replaced by its value; a key the file no
   * longer contains is an error, so a test cannot silently stop replacing an example name.
   */
  public String text(String file, Map<String, String> replacements) {
    try {
      String text = Files.readString(dir.resolve(file));
      for (Map.Entry<String, String> replacement : replacements.entrySet()) {
        if (!text.contains(replacement.getKey())) {
          throw new IllegalArgumentException(
              dir.resolve(file) + " no longer contains " + replacement.getKey());
        }
        text = text.replace(replacement.getKey(), replacement.getValue());
      }
      return text;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
