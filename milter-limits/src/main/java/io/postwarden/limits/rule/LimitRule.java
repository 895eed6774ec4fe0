package io.postwarden.limits.rule;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One limit, written {@code MEASURE COUNT/WINDOW [defer|hold] [cooldown DURATION]}: e.g. {@code
 * recipients 500/1h}, {@code messages 20/1m hold cooldown 1h}. Windows slide (the last hour, not
 * the clock hour). A limit with a cool-down holds all of its key's mail for that long once it is
 * exceeded.
 */
public record LimitRule(
    Measure measure, long count, Duration window, Action action, Duration cooldown) {

  private static final Pattern SYNTAX =
      Pattern.compile(
          "(messages|recipients)\\s+(\\d{1,9})\\s*/\\s*(\\d{1,6})(s|m|h|d)(?:\\s+(defer|hold))?"
              + "(?:\\s+cooldown\\s+(\\d{1,6})(s|m|h|d))?");
  private static final Duration LONGEST_WINDOW = Duration.ofDays(31);

  public LimitRule {
    Objects.requireNonNull(measure, "measure");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(cooldown, "cooldown");
    if (count < 1) {
      throw new IllegalArgumentException("a limit must allow at least 1, got " + count);
    }
    if (window.compareTo(Duration.ofSeconds(1)) < 0 || window.compareTo(LONGEST_WINDOW) > 0) {
      throw new IllegalArgumentException("window must be from 1s to 31d, got " + text(window));
    }
    if (cooldown.isNegative() || cooldown.compareTo(LONGEST_WINDOW) > 0) {
      throw new IllegalArgumentException("cooldown must be at most 31d, got " + text(cooldown));
    }
  }

  public static LimitRule parse(String text) {
    Matcher m = SYNTAX.matcher(text.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "expected \"messages|recipients COUNT/WINDOW [defer|hold] [cooldown "
              + "DURATION]\" such as \"recipients 500/1h\", got \""
              + text.trim()
              + "\"");
    }
    Measure measure = Measure.valueOf(m.group(1).toUpperCase(Locale.ROOT));
    Action action =
        m.group(5) == null ? Action.DEFER : Action.valueOf(m.group(5).toUpperCase(Locale.ROOT));
    Duration cooldown = m.group(6) == null ? Duration.ZERO : duration(m.group(6), m.group(7));
    return new LimitRule(
        measure, Long.parseLong(m.group(2)), duration(m.group(3), m.group(4)), action, cooldown);
  }

  private static Duration duration(String amount, String unit) {
    long n = Long.parseLong(amount);
    return switch (unit) {
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    };
  }

  /** The largest whole unit: 3600s is "1h", 90s "90s". */
  static String text(Duration duration) {
    long seconds = duration.toSeconds();
    if (seconds != 0 && seconds % 86_400 == 0) {
      return seconds / 86_400 + "d";
    }
    if (seconds != 0 && seconds % 3_600 == 0) {
      return seconds / 3_600 + "h";
    }
    if (seconds != 0 && seconds % 60 == 0) {
      return seconds / 60 + "m";
    }
    return seconds + "s";
  }

  /** The form it is parsed from, canonical: {@code recipients 500/1h hold cooldown 30m}. */
  @Override
  public String toString() {
    return measure.label()
        + " "
        + count
        + "/"
        + text(window)
        + (action == Action.HOLD ? " hold" : "")
        + (cooldown.isZero() ? "" : " cooldown " + text(cooldown));
  }
}
