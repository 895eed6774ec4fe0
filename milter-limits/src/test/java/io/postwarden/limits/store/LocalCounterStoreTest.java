package io.postwarden.limits.store;

import static org.junit.jupiter.api.Assertions.*;

import io.postwarden.limits.key.KeyKind;
import io.postwarden.limits.key.LimitKey;
import io.postwarden.limits.rule.LimitRule;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LocalCounterStoreTest extends CounterStoreContract {

  final List<KeyKind> overflows = new ArrayList<>();
  LocalCounterStore store = new LocalCounterStore(clock, 100, overflows::add);

  @Override
  protected CounterStore store() {
    return store;
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
