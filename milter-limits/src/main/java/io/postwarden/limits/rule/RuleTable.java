package io.postwarden.limits.rule;

import io.postwarden.limits.key.KeyKind;
import io.postwarden.limits.key.LimitKey;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The limits of every key: its kind's default, unless the limits file lists the key with its own
 * (or none).
 */
public final class RuleTable {

  private final Map<KeyKind, List<LimitRule>> defaults;
  private final Map<LimitKey, List<LimitRule>> overrides;

  public RuleTable(
      Map<KeyKind, List<LimitRule>> defaults, Map<LimitKey, List<LimitRule>> overrides) {
    this.defaults = new EnumMap<>(KeyKind.class);
    defaults.forEach((kind, rules) -> this.defaults.put(kind, List.copyOf(rules)));
    this.overrides = Map.copyOf(overrides);
  }

  public List<LimitRule> rulesFor(LimitKey key) {
    List<LimitRule> own = overrides.get(key);
    return own != null ? own : defaults.getOrDefault(key.kind(), List.of());
  }

  /** This table with other per-key entries (the limits file re-read). */
  public RuleTable withOverrides(Map<LimitKey, List<LimitRule>> newOverrides) {
    return new RuleTable(defaults, newOverrides);
  }
}
