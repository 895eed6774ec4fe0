package io.postwarden.it.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;

/** One line on what the numbers were measured on, printed above each table. */
final class Machine {

  private Machine() {}

  static String describe() {
    String cpu = firstValue(Path.of("/proc/cpuinfo"), "model name");
    String[] loadAverage = read(Path.of("/proc/loadavg")).split(" ");
    String load =
        loadAverage.length < 3 ? "?" : String.join(" ", List.of(loadAverage).subList(0, 3));
    return String.format(
        "%s, %d CPUs (%s), Linux %s, Java %s, load average at start %s",
        ZonedDateTime.now(ZoneOffset.UTC)
            .truncatedTo(ChronoUnit.SECONDS)
            .format(DateTimeFormatter.ISO_DATE_TIME),
        Runtime.getRuntime().availableProcessors(),
        cpu,
        System.getProperty("os.version"),
        System.getProperty("java.version"),
        load);
  }

  private static String firstValue(Path file, String key) {
    return read(file)
        .lines()
        .filter(line -> line.startsWith(key))
        .map(line -> line.substring(line.indexOf(':') + 1).trim())
        .findFirst()
        .orElse("?");
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      return "";
    }
  }
}
