package io.postwarden.limits.store;

import static org.junit.jupiter.api.Assertions.*;

import io.postwarden.core.testing.MutableClock;
import io.postwarden.limits.key.KeyKind;
import io.postwarden.limits.key.LimitKey;
import io.postwarden.limits.rule.LimitRule;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LocalCounterStoreTest {

  static final LimitKey ALICE = LimitKey.sasl("alice");
  static final LimitKey SHOP = LimitKey.domain("shop.example");
  static final LimitRule THREE_PER_HOUR = LimitRule.parse("recipients 3/1h");
  static final LimitRule FIVE_PER_HOUR = LimitRule.parse("recipients 5/1h");

  final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
  final List<KeyKind> overflows = new ArrayList<>();
  LocalCounterStore store = new LocalCounterStore(clock, 100, overflows::add);

  Charge charge(boolean refusable) {
    return store.charge(
        List.of(ALICE, SHOP),
        List.of(
            new Counter(ALICE, THREE_PER_HOUR, refusable),
            new Counter(SHOP, FIVE_PER_HOUR, refusable)));
  }

  long used(LimitKey key, LimitRule rule) {
    return store.usage(key, List.of(rule)).rules().get(0).used();
  }

  @Test
  void aRefusableEventOverALimitIsRefusedAndChargesNothing() {
    for (int i = 0; i < 3; i++) {
      assertEquals(new Charge.Charged(List.of(), List.of()), charge(true));
    }
    Charge refused = charge(true);
    assertEquals(new Charge.Refused(new Counter(ALICE, THREE_PER_HOUR, true)), refused);
    // the nested domain was not charged either: all or nothing
    assertEquals(3, used(ALICE, THREE_PER_HOUR));
    assertEquals(3, used(SHOP, FIVE_PER_HOUR));
  }

  @Test
  void anEventThatCannotBeRefusedIsChargedAndReportedOver() {
    for (int i = 0; i < 3; i++) {
      charge(false);
    }
    Charge.Charged over = (Charge.Charged) charge(false);
    assertEquals(List.of(new Counter(ALICE, THREE_PER_HOUR, false)), over.over());
    assertEquals(4, used(ALICE, THREE_PER_HOUR));
    assertEquals(4, used(SHOP, FIVE_PER_HOUR));
  }

  @Test
  void budgetComesBackAsTheWindowSlides() {
    for (int i = 0; i < 3; i++) {
      charge(true);
    }
    clock.advance(Duration.ofMinutes(90));
    // half of the last window's three is still inside the sliding hour: 2 (rounded up), room for
    // one more
    assertEquals(2, used(ALICE, THREE_PER_HOUR));
    assertInstanceOf(Charge.Charged.class, charge(true));
    assertInstanceOf(Charge.Refused.class, charge(true));
  }

  @Test
  void aCooldownHoldsAllOfTheKeysMailAfterItsLimitWasExceeded() {
    LimitRule withCooldown = LimitRule.parse("messages 1/1m cooldown 1h");
    LimitRule generous = LimitRule.parse("recipients 1000/1h");
    store.charge(List.of(ALICE), List.of(new Counter(ALICE, withCooldown, true)));
    assertInstanceOf(
        Charge.Refused.class,
        store.charge(List.of(ALICE), List.of(new Counter(ALICE, withCooldown, true))));
    clock.advance(Duration.ofMinutes(30));
    // the message limit has room again, but the key is cooling down: what it sends now is charged
    // and held
    Charge.Charged cooling =
        (Charge.Charged)
            store.charge(List.of(ALICE, SHOP), List.of(new Counter(ALICE, generous, true)));
    assertEquals(List.of(ALICE), cooling.coolingDown());
    assertEquals(
        Instant.parse("2026-12-01T11:00:00Z"),
        store.usage(ALICE, List.of()).coolingDownUntil().get());
    clock.advance(Duration.ofMinutes(31));
    assertTrue(((Charge.Charged) store.charge(List.of(ALICE), List.of())).withinLimits());
  }

  @Test
  void twoRulesOverTheSameWindowCountAnEventOnce() {
    LimitRule deferAtThree = LimitRule.parse("recipients 3/1h");
    LimitRule holdAtTwo = LimitRule.parse("recipients 2/1h hold");
    for (int i = 0; i < 2; i++) {
      Charge charge =
          store.charge(
              List.of(ALICE),
              List.of(
                  new Counter(ALICE, deferAtThree, true), new Counter(ALICE, holdAtTwo, false)));
      assertEquals(new Charge.Charged(List.of(), List.of()), charge, "recipient " + (i + 1));
    }
    assertEquals(2, used(ALICE, deferAtThree));
  }

  @Test
  void aRestoredStoreTakesOverOnlyWhatFitsItsCap() {
    LimitRule onePerHour = LimitRule.parse("messages 1/1h");
    for (int i = 0; i < 150; i++) {
      LimitKey client = LimitKey.client(address(i));
      store.charge(List.of(client), List.of(new Counter(client, onePerHour, true)));
    }
    List<SavedKey> saved = store.snapshot();
    assertEquals(101, saved.size(), "100 clients and the overflow budget of the other 50");
    LocalCounterStore smaller = new LocalCounterStore(clock, 100, overflows::add);
    assertEquals(100, smaller.restore(saved));
    assertEquals(100, smaller.size(KeyKind.CLIENT));
  }

  @Test
  void resetForgetsCountsAndCooldown() {
    for (int i = 0; i < 4; i++) {
      charge(false);
    }
    assertTrue(store.reset(ALICE));
    assertEquals(0, used(ALICE, THREE_PER_HOUR));
    assertEquals(4, used(SHOP, FIVE_PER_HOUR));
    assertFalse(store.reset(ALICE));
  }

  @Test
  void aFullStoreNeverForgetsARunningCountAndNewKeysShareOneOverflowBudget() {
    store = new LocalCounterStore(clock, 100, overflows::add);
    LimitRule onePerHour = LimitRule.parse("messages 1/1h");
    LimitKey spammer = LimitKey.client(address(0));
    store.charge(List.of(spammer), List.of(new Counter(spammer, onePerHour, true)));
    // a botnet floods the table with new addresses
    for (int i = 1; i < 1000; i++) {
      LimitKey bot = LimitKey.client(address(i));
      store.charge(List.of(bot), List.of(new Counter(bot, onePerHour, true)));
    }
    assertTrue(store.size(KeyKind.CLIENT) <= 101, "bounded: " + store.size(KeyKind.CLIENT));
    // the first client's count survived the flood
    assertInstanceOf(
        Charge.Refused.class,
        store.charge(List.of(spammer), List.of(new Counter(spammer, onePerHour, true))));
    // the keys beyond the cap shared one budget of one message: all but the first were refused
    assertEquals(900, overflows.size());
    assertTrue(overflows.stream().allMatch(kind -> kind == KeyKind.CLIENT));
    LimitKey newcomer = LimitKey.client(address(5000));
    assertInstanceOf(
        Charge.Refused.class,
        store.charge(List.of(newcomer), List.of(new Counter(newcomer, onePerHour, true))));
    // other kinds keep their own room
    assertInstanceOf(
        Charge.Charged.class,
        store.charge(List.of(ALICE), List.of(new Counter(ALICE, onePerHour, true))));
  }

  @Test
  void expiredCountsAreSweptToMakeRoom() {
    store = new LocalCounterStore(clock, 100, overflows::add);
    LimitRule onePerMinute = LimitRule.parse("messages 1/1m");
    for (int i = 0; i < 100; i++) {
      LimitKey client = LimitKey.client(address(i));
      store.charge(List.of(client), List.of(new Counter(client, onePerMinute, true)));
    }
    clock.advance(Duration.ofMinutes(3));
    LimitKey late = LimitKey.client(address(500));
    assertInstanceOf(
        Charge.Charged.class,
        store.charge(List.of(late), List.of(new Counter(late, onePerMinute, true))));
    assertEquals(List.of(), overflows);
    assertEquals(1, store.size(KeyKind.CLIENT));
  }

  private static java.net.InetAddress address(int i) {
    try {
      return java.net.InetAddress.getByAddress(new byte[] {10, 1, (byte) (i >> 8), (byte) i});
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError(e);
    }
  }
}
