package io.postwarden.limits.store;

import io.postwarden.limits.key.LimitKey;
import io.postwarden.limits.rule.LimitRule;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** A key's use of each of its limits now, for {@code postwarden limits status}. */
public record KeyUsage(LimitKey key, List<RuleUsage> rules, Optional<Instant> coolingDownUntil) {

  public KeyUsage {
    rules = List.copyOf(rules);
  }

  /**
   * @param used counted in the window that ends now
   */
  public record RuleUsage(LimitRule rule, long used) {
    public long remaining() {
      return Math.max(0, rule.count() - used);
    }
  }
}
