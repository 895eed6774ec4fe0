package io.postwarden.limits.control;

import io.postwarden.limits.key.LimitKey;
import io.postwarden.limits.rule.RuleTable;
import io.postwarden.limits.store.CounterStore;
import io.postwarden.limits.store.KeyUsage;
import io.postwarden.limits.store.StoreUnavailableException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Answers the operator's requests on the control socket: {@code status [KEY]} (each limit's use and
 * what remains) and {@code reset KEY}. The first line of an answer is {@code ok} or {@code error:
 * …}; the rest is for people.
 */
public final class LimitsControl {

  /** At most this many keys in a status of all keys. */
  static final int MAX_KEYS = 500;

  private final CounterStore store;
  private final Supplier<RuleTable> rules;

  public LimitsControl(CounterStore store, Supplier<RuleTable> rules) {
    this.store = store;
    this.rules = rules;
  }

  public List<String> answer(String request) {
    String[] words = request.strip().split("\\s+");
    try {
      return switch (words[0]) {
        case "status" ->
            words.length == 1
                ? status(store.activeKeys(MAX_KEYS))
                : words.length == 2 ? status(List.of(LimitKey.parse(words[1]))) : usage();
        case "reset" -> words.length == 2 ? reset(LimitKey.parse(words[1])) : usage();
        default -> usage();
      };
    } catch (IllegalArgumentException e) {
      return List.of("error: " + e.getMessage());
    } catch (StoreUnavailableException e) {
      return List.of("error: the shared limits store is unavailable: " + e.getMessage());
    }
  }

  private List<String> status(List<LimitKey> keys) {
    List<String> lines =
        new ArrayList<>(
            List.of(
                "ok", String.format("%-32s %-36s %10s %10s", "KEY", "LIMIT", "USED", "REMAINING")));
    RuleTable table = rules.get();
    for (LimitKey key : keys) {
      KeyUsage usage = store.usage(key, table.rulesFor(key));
      if (usage.rules().isEmpty()) {
        lines.add(String.format("%-32s %-36s", key, "(no limits)"));
      }
      usage
          .rules()
          .forEach(
              rule ->
                  lines.add(
                      String.format(
                          "%-32s %-36s %10d %10d",
                          key, rule.rule(), rule.used(), rule.remaining())));
      usage
          .coolingDownUntil()
          .ifPresent(
              until ->
                  lines.add(
                      String.format(
                          "%-32s %s",
                          key, "cooling down until " + until + ": all of its mail is held")));
    }
    return lines;
  }

  private List<String> reset(LimitKey key) {
    return List.of(
        "ok",
        store.reset(key)
            ? "reset " + key + ": its counts and cool-down are forgotten"
            : "nothing counted for " + key);
  }

  private static List<String> usage() {
    return List.of("error: expected \"status [KEY]\" or \"reset KEY\"");
  }
}
