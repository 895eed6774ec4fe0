package io.postwarden.audit.forensics;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A time an operator types for {@code --since} and {@code --until}: an age ({@code 90m}, {@code
 * 1h}, {@code 7d}, {@code 2w}) counted back from now, an instant ({@code 2026-11-30T08:00:00Z}), or
 * a local date or date and time ({@code 2026-11-30}, {@code 2026-11-30T08:00}) in the clock's time
 * zone.
 */
public final class TimeBound {

  private static final Pattern AGE = Pattern.compile("(\\d{1,9})([smhdw])");

  private TimeBound() {}

  /**
   * @throws IllegalArgumentException saying which forms are understood
   */
  public static Instant parse(String text, Clock clock) {
    Matcher age = AGE.matcher(text);
    if (age.matches()) {
      long count = Long.parseLong(age.group(1));
      Duration unit =
          switch (age.group(2)) {
            case "s" -> Duration.ofSeconds(1);
            case "m" -> Duration.ofMinutes(1);
            case "h" -> Duration.ofHours(1);
            case "d" -> Duration.ofDays(1);
            default -> Duration.ofDays(7);
          };
      return clock.instant().minus(unit.multipliedBy(count));
    }
    try {
      if (text.endsWith("Z") || text.matches(".*[+-]\\d\\d:\\d\\d")) {
        return OffsetDateTime.parse(text).toInstant();
      }
      if (text.contains("T")) {
        return LocalDateTime.parse(text).atZone(clock.getZone()).toInstant();
      }
      return LocalDate.parse(text).atStartOfDay(clock.getZone()).toInstant();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "\""
              + text
              + "\" is no time: use an age (30m, 1h, 7d, 2w), a date "
              + "(2026-11-30), a local time (2026-11-30T08:00) or an instant (2026-11-30T08:00:00Z)");
    }
  }
}
