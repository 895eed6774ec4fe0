package io.postwarden.srs.longsender;

import java.time.Instant;
import java.util.Optional;

/**
 * Where senders too long to rewrite are kept under their keys until their SRS addresses expire:
 * SQLite on this server ({@link SqliteSenderStore}) or Redis shared by a cluster ({@link
 * RedisSenderStore}). Each enforces its {@link StoreLimits}. Thread-safe. A call that cannot reach
 * the store throws {@link SenderStoreUnavailableException}.
 */
public interface SenderStore extends AutoCloseable {

  /** What {@link #put} did. Stable names: they are used as metric labels. */
  enum Put {
    /** A new entry. */
    STORED,
    /**
     * The key was there already (the same sender again): its expiry moved on, no entry was added.
     */
    REFRESHED,
    /** Not stored: the hour's budget of new entries is spent. */
    OVER_HOURLY_LIMIT,
    /** Not stored: the store holds its maximum of entries. */
    FULL
  }

  /** Stores {@code sender} under {@code key} until {@code expires}, within the limits. */
  Put put(String key, String sender, Instant expires);

  /** The sender stored under {@code key}, unless it has expired. */
  Optional<String> get(String key);

  /** Entries the store held when it last counted them. */
  long entries();

  @Override
  void close();
}
