package io.postwarden.srs.longsender;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Properties;
import org.sqlite.JDBC;

/**
 * The store in a SQLite file on this server, in PostSRSd 2's layout: table {@code kv}, key {@code
 * k}, sender {@code v}, expiry {@code lt} in Unix seconds, an index on {@code lt}. A file PostSRSd
 * wrote serves as it is, and PostSRSd can read ours (docs/decisions/0023-srs-long-sender-store.md).
 * Senders are kept as their octets (a blob), never re-encoded. One connection, one call at a time;
 * WAL journal, so a sender is in the file before the message carrying its SRS address leaves, and a
 * crash loses nothing committed (power loss may lose the last moments).
 *
 * <p>Limits are counted here: entries at open and as they come and go, new entries per clock hour
 * in memory (a restart starts the hour afresh). Expired entries are deleted at most once a minute,
 * on a write.
 */
public final class SqliteSenderStore implements SenderStore {

  private static final Duration SWEEP_EVERY = Duration.ofMinutes(1);
  private static final long SECONDS_PER_HOUR = 3600;

  private final Path file;
  private final StoreLimits limits;
  private final Clock clock;
  private final Connection connection;
  private final PreparedStatement refresh;
  private final PreparedStatement insert;
  private final PreparedStatement select;
  private final PreparedStatement expire;
  private long entries;
  private long hour = -1;
  private int newThisHour;
  private Instant nextSweep = Instant.MIN;

  private SqliteSenderStore(Path file, StoreLimits limits, Clock clock, Connection connection)
      throws SQLException {
    this.file = file;
    this.limits = limits;
    this.clock = clock;
    this.connection = connection;
    this.refresh = connection.prepareStatement("UPDATE kv SET v = ?, lt = ? WHERE k = ?");
    this.insert = connection.prepareStatement("INSERT INTO kv (k, v, lt) VALUES (?, ?, ?)");
    this.select = connection.prepareStatement("SELECT v FROM kv WHERE k = ? AND lt > ?");
    this.expire = connection.prepareStatement("DELETE FROM kv WHERE lt <= ?");
  }

  /**
   * Opens the file, creating it (mode 0600) with PostSRSd's table if needed.
   *
   * @throws IOException naming the file and what is wrong: not private, not a database, unreadable
   */
  public static SqliteSenderStore open(Path file, StoreLimits limits, Clock clock)
      throws IOException {
    PrivateStoreFile.prepare(file);
    Connection connection = null;
    try {
      // the driver itself: nothing rests on DriverManager finding it through service files and
      // class loaders
      connection = new JDBC().connect(JDBC.PREFIX + file.toAbsolutePath(), new Properties());
      try (Statement setup = connection.createStatement()) {
        setup.execute("PRAGMA busy_timeout = 2000");
        setup.execute("PRAGMA journal_mode = WAL");
        setup.execute("PRAGMA synchronous = NORMAL");
        setup.execute(
            "CREATE TABLE IF NOT EXISTS kv (k TEXT NOT NULL UNIQUE ON CONFLICT REPLACE, v TEXT NOT NULL, "
                + "lt INTEGER NOT NULL)");
        setup.execute("CREATE INDEX IF NOT EXISTS ltidx ON kv (lt)");
      }
      SqliteSenderStore store = new SqliteSenderStore(file, limits, clock, connection);
      store.sweep();
      store.count();
      return store;
    } catch (SQLException e) {
      closeQuietly(connection);
      throw new IOException(
          "srs-store-file " + file + " cannot be used as the long-sender store: " + e.getMessage(),
          e);
    }
  }

  @Override
  public synchronized Put put(String key, String sender, Instant expires) {
    try {
      byte[] octets = sender.getBytes(StandardCharsets.ISO_8859_1);
      refresh.setBytes(1, octets);
      refresh.setLong(2, expires.getEpochSecond());
      refresh.setString(3, key);
      if (refresh.executeUpdate() > 0) {
        return Put.REFRESHED;
      }
      Instant now = clock.instant();
      if (!now.isBefore(nextSweep)) {
        sweep();
      }
      long thisHour = now.getEpochSecond() / SECONDS_PER_HOUR;
      if (thisHour != hour) {
        hour = thisHour;
        newThisHour = 0;
      }
      if (entries >= limits.maxEntries()) {
        return Put.FULL;
      }
      if (newThisHour >= limits.maxNewPerHour()) {
        return Put.OVER_HOURLY_LIMIT;
      }
      insert.setString(1, key);
      insert.setBytes(2, octets);
      insert.setLong(3, expires.getEpochSecond());
      insert.executeUpdate();
      entries++;
      newThisHour++;
      return Put.STORED;
    } catch (SQLException e) {
      throw unavailable("store", e);
    }
  }

  @Override
  public synchronized Optional<String> get(String key) {
    try {
      select.setString(1, key);
      select.setLong(2, clock.instant().getEpochSecond());
      try (ResultSet row = select.executeQuery()) {
        return row.next()
            ? Optional.of(new String(row.getBytes(1), StandardCharsets.ISO_8859_1))
            : Optional.empty();
      }
    } catch (SQLException e) {
      throw unavailable("read", e);
    }
  }

  @Override
  public synchronized long entries() {
    return entries;
  }

  @Override
  public synchronized void close() {
    closeQuietly(connection);
  }

  /** Deletes what has expired. */
  private void sweep() throws SQLException {
    Instant now = clock.instant();
    expire.setLong(1, now.getEpochSecond());
    entries = Math.max(0, entries - expire.executeUpdate());
    nextSweep = now.plus(SWEEP_EVERY);
  }

  private void count() throws SQLException {
    try (Statement count = connection.createStatement();
        ResultSet rows = count.executeQuery("SELECT COUNT(*) FROM kv")) {
      entries = rows.next() ? rows.getLong(1) : 0;
    }
  }

  private SenderStoreUnavailableException unavailable(String what, SQLException e) {
    return new SenderStoreUnavailableException(
        "cannot " + what + " in " + file + ": " + e.getMessage(), e);
  }

  private static void closeQuietly(Connection connection) {
    if (connection == null) {
      return;
    }
    try {
      connection.close();
    } catch (SQLException ignored) {
      // closing at shutdown or after a failed open: nothing left to save
    }
  }
}
