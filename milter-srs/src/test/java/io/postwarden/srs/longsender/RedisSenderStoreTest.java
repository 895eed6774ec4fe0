package io.postwarden.srs.longsender;

import static org.junit.jupiter.api.Assertions.*;

import io.lettuce.core.RedisURI;
import io.postwarden.core.redis.RedisLink;
import io.postwarden.core.testing.MutableClock;
import io.postwarden.core.testing.RedisServer;
import io.postwarden.srs.longsender.SenderStore.Put;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * The Redis store against a private redis-server: shared by two servers, bounded for the whole
 * cluster.
 */
class RedisSenderStoreTest {

  private static final Duration LIFE = LongSenders.LIFETIME;
  private static final System.Logger LOG = System.getLogger("postwarden.srs");
  private static RedisServer redis;

  // Redis expires entries by its own clock: the test's clock starts at the server's time (TIME)
  // and moves on its own
  private final MutableClock clock = new MutableClock(redisTime());

  private static Instant redisTime() {
    try (RedisLink direct = link()) {
      return Instant.ofEpochSecond(Long.parseLong(direct.call(commands -> commands.time()).get(0)));
    }
  }

  @BeforeAll
  static void startRedis() {
    redis = RedisServer.start("");
  }

  @AfterAll
  static void stopRedis() {
    redis.close();
  }

  private RedisSenderStore store(String prefix, StoreLimits limits) {
    return new RedisSenderStore(link(), prefix, limits, clock);
  }

  private static RedisLink link() {
    return new RedisLink(RedisURI.create(redis.uri()), Duration.ofSeconds(2), "test", LOG);
  }

  private static String prefix(TestInfo test) {
    return "test:" + test.getDisplayName() + ":";
  }

  @Test
  void whatOneServerStoresAnotherFinds(TestInfo test) {
    try (RedisSenderStore serverA = store(prefix(test), new StoreLimits(10, 10));
        RedisSenderStore serverB = store(prefix(test), new StoreLimits(10, 10))) {
      assertEquals(
          Put.STORED, serverA.put("KEY1@1", "long-sender@example.org", clock.instant().plus(LIFE)));
      assertEquals(Optional.of("long-sender@example.org"), serverB.get("KEY1@1"));
      assertEquals(
          Put.REFRESHED,
          serverB.put("KEY1@1", "long-sender@example.org", clock.instant().plus(LIFE)));
      assertEquals(Optional.empty(), serverB.get("KEY2@1"));
      assertEquals(1, serverB.entries());
    }
  }

  @Test
  void redisExpiresAnEntryAtItsTimeAndARefreshMovesIt(TestInfo test) {
    try (RedisSenderStore store = store(prefix(test), new StoreLimits(10, 10));
        RedisLink direct = link()) {
      Instant expires = clock.instant().plus(LIFE);
      store.put("KEY1@1", "long-sender@example.org", expires);
      assertEquals(
          expires.toEpochMilli(),
          direct.<Long>call(commands -> commands.pexpiretime(prefix(test) + "KEY1@1")));
      clock.advance(Duration.ofDays(3));
      store.put("KEY1@1", "long-sender@example.org", clock.instant().plus(LIFE));
      assertEquals(
          expires.plus(Duration.ofDays(3)).toEpochMilli(),
          direct.<Long>call(commands -> commands.pexpiretime(prefix(test) + "KEY1@1")));
    }
  }

  @Test
  void theHourlyLimitHoldsForTheWholeCluster(TestInfo test) {
    try (RedisSenderStore serverA = store(prefix(test), new StoreLimits(2, 100));
        RedisSenderStore serverB = store(prefix(test), new StoreLimits(2, 100))) {
      assertEquals(
          Put.STORED, serverA.put("KEY1@1", "one@example.org", clock.instant().plus(LIFE)));
      assertEquals(
          Put.STORED, serverB.put("KEY2@1", "two@example.org", clock.instant().plus(LIFE)));
      assertEquals(
          Put.OVER_HOURLY_LIMIT,
          serverA.put("KEY3@1", "three@example.org", clock.instant().plus(LIFE)));
      assertEquals(
          Put.OVER_HOURLY_LIMIT,
          serverB.put("KEY3@1", "three@example.org", clock.instant().plus(LIFE)));
      assertEquals(Optional.empty(), serverB.get("KEY3@1"));
      clock.advance(Duration.ofHours(1));
      assertEquals(
          Put.STORED, serverB.put("KEY3@1", "three@example.org", clock.instant().plus(LIFE)));
    }
  }

  @Test
  void aFullStoreTakesNewEntriesOnlyAsOldOnesExpire(TestInfo test) {
    try (RedisSenderStore store = store(prefix(test), new StoreLimits(1000, 2))) {
      store.put("KEY1@1", "one@example.org", clock.instant().plus(Duration.ofDays(1)));
      store.put("KEY2@1", "two@example.org", clock.instant().plus(LIFE));
      assertEquals(Put.FULL, store.put("KEY3@1", "three@example.org", clock.instant().plus(LIFE)));
      clock.advance(Duration.ofDays(1));
      assertEquals(
          Put.STORED, store.put("KEY3@1", "three@example.org", clock.instant().plus(LIFE)));
      assertEquals(2, store.entries());
    }
  }

  @Test
  void withPrefixPostSrsdItReadsPostSrsdsOwnEntries() {
    // PostSRSd 2 (src/database.c) writes SETEX "PostSRSd/<key>" <lifetime> <sender>
    try (RedisSenderStore store = store("PostSRSd/", new StoreLimits(10, 10));
        RedisLink direct = link()) {
      direct.call(
          commands ->
              commands.setex(
                  "PostSRSd/0123456789ABCDEFGHIJKLMNOPQRSTUV@1", 3600, "old@example.org"));
      assertEquals(Optional.of("old@example.org"), store.get("0123456789ABCDEFGHIJKLMNOPQRSTUV@1"));
    }
  }

  @Test
  void aRedisThatIsDownMakesTheStoreUnavailable(TestInfo test) {
    try (RedisServer down = RedisServer.start("");
        RedisSenderStore store =
            new RedisSenderStore(
                new RedisLink(RedisURI.create(down.uri()), Duration.ofMillis(500), "test", LOG),
                prefix(test),
                new StoreLimits(10, 10),
                clock)) {
      down.kill();
      assertThrows(SenderStoreUnavailableException.class, () -> store.get("KEY1@1"));
      assertThrows(
          SenderStoreUnavailableException.class,
          () -> store.put("KEY1@1", "x@example.org", clock.instant().plus(LIFE)));
    }
  }
}
