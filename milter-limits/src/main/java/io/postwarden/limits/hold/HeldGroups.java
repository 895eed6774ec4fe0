package io.postwarden.limits.hold;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Held messages grouped by the key that held them, largest group first, for {@code postwarden
 * held}.
 */
public final class HeldGroups {

  /** Messages on hold that no header of ours names a key for. */
  public static final String NOT_OURS = "(held by others)";

  private HeldGroups() {}

  /**
   * @param oldest the age of the group's oldest message
   */
  public record Group(
      String key, int messages, int recipients, Duration oldest, List<String> queueIds) {}

  public static List<Group> of(List<HeldMessage> held, Instant now) {
    Map<String, List<HeldMessage>> byKey = new LinkedHashMap<>();
    for (HeldMessage message : held) {
      byKey
          .computeIfAbsent(message.heldBy().orElse(NOT_OURS), key -> new ArrayList<>())
          .add(message);
    }
    List<Group> groups = new ArrayList<>();
    byKey.forEach(
        (key, messages) -> {
          Instant first =
              messages.stream()
                  .map(HeldMessage::arrival)
                  .min(Comparator.naturalOrder())
                  .orElse(now);
          groups.add(
              new Group(
                  key,
                  messages.size(),
                  messages.stream().mapToInt(HeldMessage::recipients).sum(),
                  Duration.between(first, now).isNegative()
                      ? Duration.ZERO
                      : Duration.between(first, now),
                  messages.stream().map(HeldMessage::queueId).toList()));
        });
    groups.sort(Comparator.comparingInt(Group::messages).reversed().thenComparing(Group::key));
    return groups;
  }
}
