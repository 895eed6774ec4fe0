package io.postwarden.limits.control;

import static org.junit.jupiter.api.Assertions.*;

import io.postwarden.core.testing.MutableClock;
import io.postwarden.limits.key.KeyKind;
import io.postwarden.limits.key.LimitKey;
import io.postwarden.limits.rule.LimitRule;
import io.postwarden.limits.rule.RuleTable;
import io.postwarden.limits.store.Counter;
import io.postwarden.limits.store.LocalCounterStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LimitsControlTest {

  static final LimitRule TEN_PER_HOUR = LimitRule.parse("recipients 10/1h");
  static final LimitRule COOLING = LimitRule.parse("messages 1/1h cooldown 2h");

  final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
  final LocalCounterStore store = new LocalCounterStore(clock, 100, kind -> {});
  final RuleTable rules =
      new RuleTable(
          Map.of(KeyKind.SASL, List.of(TEN_PER_HOUR)),
          Map.of(LimitKey.unix("www-shop"), List.of(COOLING), LimitKey.unix("backup"), List.of()));
  final LimitsControl control = new LimitsControl(store, () -> rules);

  @TempDir Path dir;

  void charge(LimitKey key, LimitRule rule, int times) {
    for (int i = 0; i < times; i++) {
      store.charge(List.of(key), List.of(new Counter(key, rule, false)));
    }
  }

  @Test
  void statusOfOneKeyShowsUseRemainingBudgetAndACooldown() {
    charge(LimitKey.sasl("alice"), TEN_PER_HOUR, 4);
    List<String> alice = control.answer("status sasl:Alice");
    assertEquals("ok", alice.get(0));
    assertTrue(alice.get(2).matches("sasl:alice +recipients 10/1h +4 +6"), alice::toString);

    charge(LimitKey.unix("www-shop"), COOLING, 2);
    List<String> shop = control.answer("status unix:www-shop");
    assertTrue(
        shop.get(2).matches("unix:www-shop +messages 1/1h cooldown 2h +2 +0"), shop::toString);
    assertTrue(
        shop.get(3).endsWith("cooling down until 2026-12-01T12:00:00Z: all of its mail is held"),
        shop::toString);
    assertTrue(control.answer("status unix:backup").get(2).contains("(no limits)"));
  }

  @Test
  void statusOfAllListsTheActiveKeys() {
    charge(LimitKey.sasl("alice"), TEN_PER_HOUR, 1);
    charge(LimitKey.sasl("bob"), TEN_PER_HOUR, 2);
    List<String> all = control.answer("status");
    assertEquals(4, all.size(), all::toString);
    assertTrue(
        all.get(2).startsWith("sasl:alice") && all.get(3).startsWith("sasl:bob"), all::toString);
  }

  @Test
  void resetForgetsAKeysCounts() {
    charge(LimitKey.sasl("alice"), TEN_PER_HOUR, 10);
    assertEquals(
        List.of("ok", "reset sasl:alice: its counts and cool-down are forgotten"),
        control.answer("reset sasl:alice"));
    assertTrue(
        control.answer("status sasl:alice").get(2).matches("sasl:alice +recipients 10/1h +0 +10"));
    assertEquals(
        List.of("ok", "nothing counted for sasl:alice"), control.answer("reset sasl:alice"));
  }

  @Test
  void badRequestsAreErrors() {
    for (String bad : new String[] {"", "status a b", "reset", "reset nobody", "drop sasl:x"}) {
      assertTrue(control.answer(bad).get(0).startsWith("error: "), bad);
    }
  }

  @Test
  void theSocketIsPrivateAndAnswersOneRequestPerConnection() throws Exception {
    Path path = dir.resolve("run/limits.sock");
    try (ControlSocket socket = ControlSocket.open(path, control::answer)) {
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(path)));
      assertEquals(
          "rwx------",
          PosixFilePermissions.toString(Files.getPosixFilePermissions(path.getParent())));
      charge(LimitKey.sasl("alice"), TEN_PER_HOUR, 3);
      List<String> answer = ControlSocket.ask(path, "status sasl:alice");
      assertTrue(answer.get(2).matches("sasl:alice +recipients 10/1h +3 +7"), answer::toString);
      assertEquals("ok", ControlSocket.ask(path, "reset sasl:alice").get(0));
    }
    assertFalse(Files.exists(path), "removed on close");
  }
}
