package io.postwarden.limits.rule;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LimitRuleTest {

  @Test
  void readsEveryPart() {
    LimitRule rule = LimitRule.parse("  Messages 20/90s HOLD cooldown 2h ");
    assertEquals(
        new LimitRule(
            Measure.MESSAGES, 20, Duration.ofSeconds(90), Action.HOLD, Duration.ofHours(2)),
        rule);
    assertEquals("messages 20/90s hold cooldown 2h", rule.toString());
  }

  @Test
  void defersWithoutCooldownByDefaultAndPrintsCanonically() {
    LimitRule rule = LimitRule.parse("recipients 500 / 60m");
    assertEquals(Action.DEFER, rule.action());
    assertEquals(Duration.ZERO, rule.cooldown());
    assertEquals("recipients 500/1h", rule.toString());
    assertEquals(rule, LimitRule.parse(rule.toString()));
  }

  @Test
  void refusesWhatItCannotRead() {
    for (String bad :
        new String[] {
          "",
          "recipients",
          "500/1h",
          "recipients 0/1h",
          "recipients 5/0s",
          "recipients 5/32d",
          "recipients 5/1w",
          "recipients 5/1h discard",
          "recipients -5/1h",
          "messages 5/1h cooldown"
        }) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> LimitRule.parse(bad), bad);
      assertFalse(e.getMessage().isEmpty());
    }
  }
}
