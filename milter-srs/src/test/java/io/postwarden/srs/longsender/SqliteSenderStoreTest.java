package io.postwarden.srs.longsender;

import static org.junit.jupiter.api.Assertions.*;

import io.postwarden.core.testing.MutableClock;
import io.postwarden.srs.longsender.SenderStore.Put;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SQLite store on a real file, with a clock the test moves. */
class SqliteSenderStoreTest {

  private static final Instant START = Instant.parse("2026-11-30T10:00:00Z");
  private static final Duration LIFE = LongSenders.LIFETIME;

  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(START);

  private SqliteSenderStore open(StoreLimits limits) throws IOException {
    return SqliteSenderStore.open(dir.resolve("state/srs-senders.sqlite"), limits, clock);
  }

  @Test
  void aStoredSenderIsFoundByItsKeyUntilItExpires() throws Exception {
    String sender =
        "a-very-long-local-part-of-sixty-characters-for-the-test-0001@lists.example.org";
    try (SqliteSenderStore store = open(new StoreLimits(10, 10))) {
      assertEquals(Put.STORED, store.put("KEY1@1", sender, clock.instant().plus(LIFE)));
      assertEquals(Optional.of(sender), store.get("KEY1@1"));
      assertEquals(Optional.empty(), store.get("KEY2@1"));
      clock.advance(LIFE.minusSeconds(1));
      assertEquals(Optional.of(sender), store.get("KEY1@1"));
      clock.advance(Duration.ofSeconds(1));
      assertEquals(Optional.empty(), store.get("KEY1@1"), "expired at its time, swept or not");
    }
  }

  @Test
  void theFileIsCreatedPrivateAndSurvivesAReopen() throws Exception {
    Path file = dir.resolve("state/srs-senders.sqlite");
    try (SqliteSenderStore store = open(new StoreLimits(10, 10))) {
      store.put("KEY1@1", "octets-\u00e9\u00ff@example.org", clock.instant().plus(LIFE));
    }
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    assertEquals(
        "rwx------",
        PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())));
    try (SqliteSenderStore store = open(new StoreLimits(10, 10))) {
      assertEquals(
          Optional.of("octets-\u00e9\u00ff@example.org"),
          store.get("KEY1@1"),
          "8-bit octets kept as they were");
      assertEquals(1, store.entries());
    }
  }

  @Test
  void aFileOtherUsersCanReadIsRefused() throws Exception {
    Path file = Files.createFile(dir.resolve("srs-senders.sqlite"));
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    IOException e =
        assertThrows(
            IOException.class, () -> SqliteSenderStore.open(file, new StoreLimits(1, 1), clock));
    assertTrue(e.getMessage().contains("chmod 600 " + file), e.getMessage());
  }

  @Test
  void theSameSenderAgainRefreshesItsEntryWithoutCountingAgainstTheLimits() throws Exception {
    try (SqliteSenderStore store = open(new StoreLimits(1, 1))) {
      assertEquals(
          Put.STORED, store.put("KEY1@1", "first@example.org", clock.instant().plus(LIFE)));
      clock.advance(Duration.ofDays(20));
      assertEquals(
          Put.REFRESHED, store.put("KEY1@1", "first@example.org", clock.instant().plus(LIFE)));
      clock.advance(Duration.ofDays(20));
      assertEquals(
          Optional.of("first@example.org"), store.get("KEY1@1"), "lives 23 days from its last use");
      assertEquals(1, store.entries());
    }
  }

  @Test
  void aFloodStopsAtTheHourlyLimitAndTheNextHourTakesMore() throws Exception {
    try (SqliteSenderStore store = open(new StoreLimits(3, 100))) {
      for (int i = 0; i < 3; i++) {
        assertEquals(
            Put.STORED,
            store.put("KEY" + i + "@1", "sender" + i + "@example.org", clock.instant().plus(LIFE)));
      }
      assertEquals(
          Put.OVER_HOURLY_LIMIT,
          store.put("KEY9@1", "sender9@example.org", clock.instant().plus(LIFE)));
      assertEquals(Optional.empty(), store.get("KEY9@1"));
      clock.advance(Duration.ofHours(1));
      assertEquals(
          Put.STORED, store.put("KEY9@1", "sender9@example.org", clock.instant().plus(LIFE)));
      assertEquals(4, store.entries());
    }
  }

  @Test
  void aFullStoreTakesNothingNewUntilEntriesExpire() throws Exception {
    try (SqliteSenderStore store = open(new StoreLimits(1000, 2))) {
      store.put("KEY1@1", "one@example.org", clock.instant().plus(LIFE));
      clock.advance(Duration.ofDays(10));
      store.put("KEY2@1", "two@example.org", clock.instant().plus(LIFE));
      assertEquals(Put.FULL, store.put("KEY3@1", "three@example.org", clock.instant().plus(LIFE)));
      clock.advance(Duration.ofDays(13));
      assertEquals(
          Put.STORED,
          store.put("KEY3@1", "three@example.org", clock.instant().plus(LIFE)),
          "the first entry expired and was swept");
      assertEquals(2, store.entries());
      assertEquals(Optional.of("two@example.org"), store.get("KEY2@1"));
    }
  }

  @Test
  void postSrsdsOwnFileServesAsItIs() throws Exception {
    // PostSRSd 2 (src/database.c) creates this table and writes text values with an expiry in Unix
    // seconds
    Path file = dir.resolve("postsrsd.db");
    Files.createFile(
        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try (var connection = DriverManager.getConnection("jdbc:sqlite:" + file);
        var sql = connection.createStatement()) {
      sql.execute(
          "CREATE TABLE IF NOT EXISTS kv (k TEXT NOT NULL UNIQUE ON CONFLICT REPLACE, v TEXT NOT NULL, "
              + "lt INTEGER NOT NULL); CREATE INDEX IF NOT EXISTS ltidx ON kv (lt)");
      sql.execute(
          "INSERT INTO kv (k, v, lt) VALUES ('0123456789ABCDEFGHIJKLMNOPQRSTUV@1', 'old@example.org', "
              + (START.getEpochSecond() + 3600)
              + ")");
    }
    try (SqliteSenderStore store = SqliteSenderStore.open(file, new StoreLimits(10, 10), clock)) {
      assertEquals(Optional.of("old@example.org"), store.get("0123456789ABCDEFGHIJKLMNOPQRSTUV@1"));
      assertEquals(1, store.entries());
    }
  }
}
