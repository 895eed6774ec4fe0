package io.postwarden.limits.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.postwarden.core.testing.MutableClock;
import io.postwarden.limits.key.LimitKey;
import io.postwarden.limits.rule.LimitRule;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What every counter store answers alike, the in-process one and Redis's: switching stores changes
 * only sharing. Each store's test extends this with the store under test.
 */
public abstract class CounterStoreContract {

  protected static final LimitKey ALICE = LimitKey.sasl("alice");
  protected static final LimitKey SHOP = LimitKey.domain("shop.example");
  protected static final LimitRule THREE_PER_HOUR = LimitRule.parse("recipients 3/1h");
  protected static final LimitRule FIVE_PER_HOUR = LimitRule.parse("recipients 5/1h");

  /** "Now" for the store under test, never the wall clock's (nor Redis's). */
  protected final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));

  /** The store under test, counting by {@link #clock}, empty at the start of each test. */
  protected abstract CounterStore store();

  /** One event of alice at shop.example, charged against both. */
  protected Charge charge(boolean refusable) {
    return store()
        .charge(
            List.of(ALICE, SHOP),
            List.of(
                new Counter(ALICE, THREE_PER_HOUR, refusable),
                new Counter(SHOP, FIVE_PER_HOUR, refusable)));
  }

  protected long used(LimitKey key, LimitRule rule) {
    return store().usage(key, List.of(rule)).rules().get(0).used();
  }

  @Test
  void aRefusableEventOverALimitIsRefusedAndChargesNoKey() {
    for (int i = 0; i < 3; i++) {
      assertEquals(new Charge.Charged(List.of(), List.of()), charge(true));
    }
    assertEquals(new Charge.Refused(new Counter(ALICE, THREE_PER_HOUR, true)), charge(true));
    assertEquals(3, used(ALICE, THREE_PER_HOUR));
    assertEquals(3, used(SHOP, FIVE_PER_HOUR), "all or nothing: the domain was not charged either");
  }

  @Test
  void anEventThatCannotBeRefusedIsChargedAndReportedOver() {
    for (int i = 0; i < 3; i++) {
      charge(false);
    }
    assertEquals(
        new Charge.Charged(List.of(new Counter(ALICE, THREE_PER_HOUR, false)), List.of()),
        charge(false));
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
    store().charge(List.of(ALICE), List.of(new Counter(ALICE, withCooldown, true)));
    assertInstanceOf(
        Charge.Refused.class,
        store().charge(List.of(ALICE), List.of(new Counter(ALICE, withCooldown, true))));
    clock.advance(Duration.ofMinutes(30));
    // the message limit has room again, but the key is cooling down: what it sends now is charged
    // and held
    Charge.Charged cooling =
        (Charge.Charged)
            store().charge(List.of(ALICE, SHOP), List.of(new Counter(ALICE, generous, true)));
    assertEquals(List.of(ALICE), cooling.coolingDown());
    assertEquals(
        Instant.parse("2026-12-01T11:00:00Z"),
        store().usage(ALICE, List.of()).coolingDownUntil().get());
    clock.advance(Duration.ofMinutes(31));
    assertTrue(((Charge.Charged) store().charge(List.of(ALICE), List.of())).withinLimits());
  }

  @Test
  void twoRulesOverTheSameWindowCountAnEventOnce() {
    LimitRule deferAtThree = LimitRule.parse("recipients 3/1h");
    LimitRule holdAtTwo = LimitRule.parse("recipients 2/1h hold");
    for (int i = 0; i < 2; i++) {
      Charge charge =
          store()
              .charge(
                  List.of(ALICE),
                  List.of(
                      new Counter(ALICE, deferAtThree, true),
                      new Counter(ALICE, holdAtTwo, false)));
      assertEquals(new Charge.Charged(List.of(), List.of()), charge, "recipient " + (i + 1));
    }
    assertEquals(2, used(ALICE, deferAtThree));
  }
}
