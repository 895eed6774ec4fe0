package io.postwarden.it.ops;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The series of one scrape in the Prometheus text format (0.0.4), by sample name as PromQL sees it:
 * a histogram appears as its {@code _bucket}, {@code _count}, {@code _sum} (and Micrometer's {@code
 * _max}) samples, never under its bare family name.
 */
final class Exposition {

  private final Map<String, List<Map<String, String>>> series = new LinkedHashMap<>();

  private Exposition() {}

  static Exposition parse(String body) {
    Exposition exposition = new Exposition();
    int lineNumber = 0;
    for (String line : body.split("\n", -1)) {
      lineNumber++;
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      try {
        exposition.sample(line);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("scrape line " + lineNumber + " unreadable: " + line, e);
      }
    }
    return exposition;
  }

  private void sample(String line) {
    int i = 0;
    while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
      i++;
    }
    String name = line.substring(0, i);
    if (!name.matches("[a-zA-Z_:][a-zA-Z0-9_:]*")) {
      throw new IllegalArgumentException("bad metric name " + name);
    }
    Map<String, String> labels = new LinkedHashMap<>();
    if (i < line.length() && line.charAt(i) == '{') {
      i++;
      while (line.charAt(i) != '}') {
        int eq = line.indexOf('=', i);
        String label = line.substring(i, eq).trim();
        if (line.charAt(eq + 1) != '"') {
          throw new IllegalArgumentException("label value not quoted");
        }
        StringBuilder value = new StringBuilder();
        int j = eq + 2;
        while (line.charAt(j) != '"') {
          char c = line.charAt(j);
          if (c == '\\') {
            char escaped = line.charAt(++j);
            value.append(escaped == 'n' ? '\n' : escaped);
          } else {
            value.append(c);
          }
          j++;
        }
        labels.put(label, value.toString());
        i = j + 1;
        if (line.charAt(i) == ',') {
          i++;
        }
      }
      i++;
    }
    String[] rest = line.substring(i).trim().split(" ");
    Double.parseDouble(rest[0].replace("+Inf", "Infinity").replace("-Inf", "-Infinity"));
    series.computeIfAbsent(name, n -> new ArrayList<>()).add(labels);
  }

  boolean has(String name) {
    return series.containsKey(name);
  }

  Set<String> names() {
    return new TreeSet<>(series.keySet());
  }

  Set<String> labelNames(String name) {
    Set<String> names = new TreeSet<>();
    series.getOrDefault(name, List.of()).forEach(labels -> names.addAll(labels.keySet()));
    return names;
  }

  Set<String> labelValues(String name, String label) {
    Set<String> values = new TreeSet<>();
    for (Map<String, String> labels : series.getOrDefault(name, List.of())) {
      if (labels.containsKey(label)) {
        values.add(labels.get(label));
      }
    }
    return values;
  }

  int seriesCount() {
    return series.values().stream().mapToInt(List::size).sum();
  }
}
