package io.postwarden.limits.hold;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HeldGroupsTest {

  static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

  static HeldMessage held(String id, String key, int minutesAgo, int recipients) {
    return new HeldMessage(
        id,
        NOW.minus(Duration.ofMinutes(minutesAgo)),
        "s@x.example",
        recipients,
        Optional.ofNullable(key));
  }

  @Test
  void groupsByKeyLargestFirstWithCountsAndTheOldestAge() {
    List<HeldGroups.Group> groups =
        HeldGroups.of(
            List.of(
                held("A1", "unix:www-shop", 5, 1),
                held("A2", "sasl:bob", 50, 2),
                held("A3", "unix:www-shop", 130, 3),
                held("A4", null, 10, 1)),
            NOW);
    assertEquals(
        List.of(
            new HeldGroups.Group(
                "unix:www-shop", 2, 4, Duration.ofMinutes(130), List.of("A1", "A3")),
            new HeldGroups.Group(HeldGroups.NOT_OURS, 1, 1, Duration.ofMinutes(10), List.of("A4")),
            new HeldGroups.Group("sasl:bob", 1, 2, Duration.ofMinutes(50), List.of("A2"))),
        groups);
  }
}
