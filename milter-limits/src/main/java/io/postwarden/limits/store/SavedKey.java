package io.postwarden.limits.store;

import io.postwarden.limits.key.KeyKind;
import io.postwarden.limits.rule.Measure;
import java.util.List;

/**
 * One key's counts as the state file keeps them across a restart: its windows and its cool-down.
 *
 * @param name the key's name within its kind (the overflow budget's too)
 * @param cooldownUntil epoch milliseconds; 0 for none
 */
public record SavedKey(KeyKind kind, String name, long cooldownUntil, List<SavedWindow> windows) {

  public SavedKey {
    windows = List.copyOf(windows);
  }

  /**
   * One sliding window: the index of its current fixed window, that window's count and the previous
   * one's.
   */
  public record SavedWindow(
      Measure measure, long lengthMillis, long index, long previous, long current) {}
}
