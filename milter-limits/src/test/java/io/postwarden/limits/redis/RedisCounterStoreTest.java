package io.postwarden.limits.redis;

import static org.junit.jupiter.api.Assertions.*;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.postwarden.core.testing.MutableClock;
import io.postwarden.core.testing.RedisServer;
import io.postwarden.limits.key.KeyKind;
import io.postwarden.limits.key.LimitKey;
import io.postwarden.limits.rule.LimitRule;
import io.postwarden.limits.store.Charge;
import io.postwarden.limits.store.Counter;
import io.postwarden.limits.store.CounterStore;
import io.postwarden.limits.store.CounterStoreContract;
import io.postwarden.limits.store.LocalCounterStore;
import io.postwarden.limits.store.StoreUnavailableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * charge.lua against a real redis-server: the in-process store's semantics (the contract), with
 * "now" from the test's clock (never Redis's), keys that expire, and the same answers as the
 * in-process store for any sequence of events.
 */
class RedisCounterStoreTest extends CounterStoreContract {

  static final String PREFIX = "pw-test:";

  static RedisServer redis;
  static RedisClient inspector;
  static RedisCommands<String, String> commands;

  RedisCounterStore store;

  @BeforeAll
  static void startRedis() {
    redis = RedisServer.start("");
    inspector = RedisClient.create(RedisURI.create(redis.uri()));
    StatefulRedisConnection<String, String> connection = inspector.connect();
    commands = connection.sync();
  }

  @AfterAll
  static void stopRedis() {
    inspector.shutdown();
    redis.close();
  }

  @BeforeEach
  void emptyRedis() {
    commands.flushall();
    store =
        new RedisCounterStore(RedisURI.create(redis.uri()), PREFIX, Duration.ofSeconds(2), clock);
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  @Override
  protected CounterStore store() {
    return store;
  }

  @Test
  void theWindowSlidesAtItsEdgesAsTheInjectedClockSays() {
    clock.advance(
        Duration.ofMinutes(59)
            .plusSeconds(59)
            .plusMillis(999)); // 10:59:59.999, last ms of the window
    for (int i = 0; i < 3; i++) {
      charge(true);
    }
    clock.advance(
        Duration.ofMillis(
            1)); // 11:00:00.000: the whole previous window is still inside the last hour
    assertInstanceOf(Charge.Refused.class, charge(true));
    clock.advance(Duration.ofMinutes(20)); // two thirds of 3 still inside, rounded up: 2
    assertEquals(2, used(ALICE, THREE_PER_HOUR));
    assertInstanceOf(Charge.Charged.class, charge(true));
    assertInstanceOf(Charge.Refused.class, charge(true));
    clock.advance(
        Duration.ofMinutes(40)
            .minusMillis(1)); // 11:59:59.999: a sliver of the three, rounded up: 1
    assertEquals(2, used(ALICE, THREE_PER_HOUR), "1 carried + 1 counted at 11:20");
    clock.advance(Duration.ofHours(1).plusMillis(1)); // 13:00: both windows have passed
    assertEquals(0, used(ALICE, THREE_PER_HOUR));
    for (int i = 0; i < 3; i++) {
      assertInstanceOf(Charge.Charged.class, charge(true));
    }
  }

  @Test
  void aClockSetBackForgetsNothing() {
    clock.advance(Duration.ofHours(2));
    for (int i = 0; i < 3; i++) {
      charge(true);
    }
    clock.advance(Duration.ofHours(-2));
    assertInstanceOf(Charge.Refused.class, charge(true));
  }

  @Test
  void largeCountsInLongWindowsAreCarriedExactly() {
    LimitRule month = LimitRule.parse("recipients 999999999/31d");
    long length = month.window().toMillis();
    long index = Math.floorDiv(clock.millis(), length);
    // 999,999,999 counted in this fixed window; then a third of the next one gone
    commands.hset(PREFIX + ALICE, "recipients/" + length, index + " 0 999999999");
    clock.advance(Duration.ofMillis((index + 1) * length + length / 3 - clock.millis()));
    long carried =
        (999_999_999L * (length - length / 3) + length - 1) / length; // what SlidingWindow computes
    LimitRule exact = LimitRule.parse("recipients " + (carried + 1) + "/31d");
    Counter counter = new Counter(ALICE, exact, true);
    assertInstanceOf(
        Charge.Charged.class,
        store.charge(List.of(ALICE), List.of(counter)),
        "room for exactly one");
    assertInstanceOf(Charge.Refused.class, store.charge(List.of(ALICE), List.of(counter)));
  }

  @Test
  void keysAreNamespacedAndExpireOnceNothingInThemCounts() {
    store.charge(
        List.of(ALICE, SHOP, LimitKey.SERVER),
        List.of(
            new Counter(ALICE, THREE_PER_HOUR, true),
            new Counter(ALICE, LimitRule.parse("messages 10/1m"), true)));
    assertEquals(
        List.of(PREFIX + "sasl:alice"), commands.keys("*"), "only keys with a count are written");
    long ttl = commands.pttl(PREFIX + "sasl:alice");
    // the hour window's index is 10:00's: it counts until 12:00, plus a minute for clocks a little
    // apart
    assertEquals(Duration.ofHours(2).plusMinutes(1).toMillis(), ttl, 1000);
    store.charge(
        List.of(ALICE), List.of(new Counter(ALICE, LimitRule.parse("messages 10/1m"), true)));
    assertEquals(
        ttl, commands.pttl(PREFIX + "sasl:alice"), 1000, "a shorter window never shortens the TTL");
  }

  @Test
  void statusAndResetSeeTheSharedCounts() {
    charge(true);
    store.charge(
        List.of(LimitKey.SERVER), List.of(new Counter(LimitKey.SERVER, THREE_PER_HOUR, true)));
    commands.set("someone-else:sasl:mallory", "not ours");
    assertEquals(List.of(SHOP, ALICE, LimitKey.SERVER), store.activeKeys(10));
    assertEquals(List.of(SHOP), store.activeKeys(1));
    assertTrue(store.reset(ALICE));
    assertFalse(store.reset(ALICE));
    assertEquals(0, used(ALICE, THREE_PER_HOUR));
    assertEquals(1, used(SHOP, FIVE_PER_HOUR));
  }

  @Test
  void aRedisSlowerThanTheTimeoutIsUnavailableNotWaitedFor() {
    RedisCounterStore impatient =
        new RedisCounterStore(RedisURI.create(redis.uri()), PREFIX, Duration.ofMillis(200), clock);
    try {
      assertInstanceOf(Charge.Charged.class, impatient.charge(List.of(ALICE), List.of()));
      // Redis answers nobody for 1.5 s (then by itself again): longer than the timeout, shorter
      // than connecting
      commands.clientPause(1500);
      assertThrows(
          StoreUnavailableException.class, () -> impatient.charge(List.of(ALICE), List.of()));
      assertFalse(impatient.answering());
    } finally {
      impatient.close();
    }
  }

  /**
   * Any sequence of events gets the same answers from both stores: switching stores changes only
   * sharing.
   */
  @Test
  void answersAsTheInProcessStoreDoes() {
    MutableClock localClock = new MutableClock(clock.instant());
    CounterStore local = new LocalCounterStore(localClock, 1000, kind -> {});
    List<LimitKey> senders = List.of(ALICE, LimitKey.sasl("bob"), LimitKey.unix("www-shop"));
    List<LimitRule> rules =
        List.of(
            LimitRule.parse("recipients 7/1m"),
            LimitRule.parse("recipients 20/1h hold"),
            LimitRule.parse("messages 3/10s cooldown 30s"),
            LimitRule.parse("recipients 12/1h"));
    Random random = new Random(11);
    for (int event = 0; event < 1500; event++) {
      Duration step =
          Duration.ofMillis(
              random.nextInt(4) == 0 ? random.nextInt(120_000) : random.nextInt(2_000));
      clock.advance(step);
      localClock.advance(step);
      LimitKey sender = senders.get(random.nextInt(senders.size()));
      List<LimitKey> keys = List.of(sender, SHOP, LimitKey.SERVER);
      boolean smtp = random.nextBoolean();
      List<Counter> counters = new ArrayList<>();
      for (LimitKey key : keys) {
        for (LimitRule rule : rules) {
          if (key.kind() != KeyKind.SERVER || random.nextBoolean()) {
            counters.add(
                new Counter(
                    key, rule, smtp && rule.action() == io.postwarden.limits.rule.Action.DEFER));
          }
        }
      }
      assertEquals(local.charge(keys, counters), store.charge(keys, counters), "event " + event);
    }
    for (LimitKey key : List.of(ALICE, SHOP, LimitKey.SERVER)) {
      assertEquals(local.usage(key, rules), store.usage(key, rules));
    }
  }
}
