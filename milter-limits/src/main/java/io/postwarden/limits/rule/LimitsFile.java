package io.postwarden.limits.rule;

import io.postwarden.limits.key.LimitKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-key limits, one key a line: {@code KEY RULE[, RULE…]}, or {@code KEY none} for a key with no
 * limits; {@code #} starts a comment. A listed key's rules replace its kind's default rules.
 *
 * <pre>
 * sasl:newsletter@shop.example  recipients 20000/1d, messages 500/1h
 * unix:www-blog                 recipients 50/1h hold cooldown 1h
 * client:192.0.2.7              none
 * </pre>
 */
public final class LimitsFile {

  private LimitsFile() {}

  /**
   * Throws an IOException naming the file and line of the first problem; a file with errors is
   * never half used.
   */
  public static Map<LimitKey, List<LimitRule>> read(Path path) throws IOException {
    Map<LimitKey, List<LimitRule>> entries = new LinkedHashMap<>();
    List<String> lines = Files.readAllLines(path, StandardCharsets.ISO_8859_1);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      int hash = line.indexOf('#');
      String content = (hash < 0 ? line : line.substring(0, hash)).strip();
      if (content.isEmpty()) {
        continue;
      }
      try {
        String[] parts = content.split("\\s+", 2);
        LimitKey key = LimitKey.parse(parts[0]);
        if (parts.length < 2) {
          throw new IllegalArgumentException(
              "no limits after the key (write \"none\" for no limits)");
        }
        if (entries.put(key, rules(parts[1])) != null) {
          throw new IllegalArgumentException(key + " is listed twice");
        }
      } catch (IllegalArgumentException e) {
        throw new IOException(path + ":" + (i + 1) + ": " + e.getMessage(), e);
      }
    }
    return entries;
  }

  private static List<LimitRule> rules(String text) {
    if (text.strip().equalsIgnoreCase("none")) {
      return List.of();
    }
    List<LimitRule> rules = new ArrayList<>();
    for (String rule : text.split(",")) {
      rules.add(LimitRule.parse(rule));
    }
    return rules;
  }
}
