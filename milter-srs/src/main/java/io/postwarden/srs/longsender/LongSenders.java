package io.postwarden.srs.longsender;

import io.postwarden.srs.codec.ForwardRefusal;
import io.postwarden.srs.codec.ForwardResult;
import io.postwarden.srs.codec.ReverseFailure;
import io.postwarden.srs.codec.ReverseResult;
import io.postwarden.srs.codec.SrsCodec;
import io.postwarden.srs.codec.SrsConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * Senders whose SRS address would pass 64 octets, as PostSRSd 2's database mode keeps them: the
 * sender is stored under {@code KEY@1} ({@link SrsCodec#storeKey}) and {@code KEY@1} is what gets
 * signed, giving {@code SRS0=HASH=TT=1=KEY@srs-domain}. A bounce to it passes the hash and
 * day-stamp checks like any SRS address before the store is asked, so a made-up key never reaches
 * the store. Thread-safe.
 */
public final class LongSenders {

  /** The domain of a stored sender's alias: PostSRSd's, and no domain anyone can send from. */
  static final String ALIAS_DOMAIN = "1";

  /**
   * The longest a stamp stays valid (the day it was written and 21 more), plus a day for clocks
   * apart.
   */
  static final Duration LIFETIME = Duration.ofDays(SrsConfig.DEFAULT_MAX_AGE_DAYS + 2);

  private static final LongSenders SKIP = new LongSenders(null, null, Clock.systemUTC());

  private final SenderStore store;
  private final StoreMetrics metrics;
  private final Clock clock;

  LongSenders(SenderStore store, StoreMetrics metrics, Clock clock) {
    this.store = store;
    this.metrics = metrics;
    this.clock = clock;
  }

  /**
   * Long senders go unchanged ({@code srs-long-senders = skip}); stored addresses do not reverse.
   */
  public static LongSenders skip() {
    return SKIP;
  }

  /**
   * The SRS address of a sender the codec refused as too long, stored; else the refusal, saying why
   * it was not stored (limits reached, store unavailable: counted).
   */
  public ForwardResult forward(
      SrsCodec codec, String sender, String srsDomain, ForwardResult.Refused tooLong) {
    if (store == null || tooLong.reason() != ForwardRefusal.LOCAL_PART_TOO_LONG) {
      return tooLong;
    }
    String alias = codec.storeKey(sender) + '@' + ALIAS_DOMAIN;
    ForwardResult aliased = codec.forward(alias, srsDomain);
    if (!(aliased instanceof ForwardResult.Rewritten)) {
      return tooLong;
    }
    SenderStore.Put put;
    try {
      put = store.put(alias, sender, clock.instant().plus(LIFETIME));
    } catch (SenderStoreUnavailableException e) {
      metrics.writeUnavailable();
      return new ForwardResult.Refused(
          tooLong.reason(),
          tooLong.message() + "; the long-sender store is " + "unavailable: " + e.getMessage());
    }
    metrics.written(put);
    return switch (put) {
      case STORED, REFRESHED -> aliased;
      case OVER_HOURLY_LIMIT ->
          new ForwardResult.Refused(
              tooLong.reason(),
              tooLong.message()
                  + "; the long-sender store took its srs-store-max-entries-per-hour new senders this hour");
      case FULL ->
          new ForwardResult.Refused(
              tooLong.reason(),
              tooLong.message() + "; the long-sender store holds srs-store-max-entries senders");
    };
  }

  /**
   * What the codec reversed, with a stored sender's alias replaced by the sender; an alias the
   * store does not have (expired, never stored, or no store) is refused as expired.
   *
   * @throws SenderStoreUnavailableException when the store cannot answer: defer the bounce, its MTA
   *     retries
   */
  public ReverseResult resolve(ReverseResult.Reversed reversed) {
    Optional<String> alias = alias(reversed.address());
    if (alias.isEmpty()) {
      return reversed;
    }
    if (store == null) {
      return new ReverseResult.Rejected(
          ReverseFailure.EXPIRED,
          "the SRS address names a stored sender, and " + "srs-long-senders = skip keeps no store",
          reversed.srsDomain());
    }
    Optional<String> sender;
    try {
      sender = store.get(alias.get());
    } catch (SenderStoreUnavailableException e) {
      metrics.read(StoreMetrics.Read.UNAVAILABLE);
      throw e;
    }
    metrics.read(sender.isPresent() ? StoreMetrics.Read.FOUND : StoreMetrics.Read.MISSING);
    return sender
        .<ReverseResult>map(original -> new ReverseResult.Reversed(original, reversed.srsDomain()))
        .orElseGet(
            () ->
                new ReverseResult.Rejected(
                    ReverseFailure.EXPIRED,
                    "the sender stored for this SRS "
                        + "address has expired from the long-sender store",
                    reversed.srsDomain()));
  }

  /**
   * Whether long senders are kept in a store (else {@code skip}: nothing here ever waits on I/O).
   */
  public boolean keepsStore() {
    return store != null;
  }

  /**
   * Whether a reversed SRS0 address is a stored sender's key ({@code KEY@1}) rather than a sender.
   */
  public static boolean isStoreKey(String reversed) {
    return alias(reversed).isPresent();
  }

  /** The store key of a reversed alias ({@code key@1}; MTAs may have lowercased it), else empty. */
  static Optional<String> alias(String reversed) {
    int at = reversed.lastIndexOf('@');
    if (at < 1 || !reversed.substring(at + 1).equals(ALIAS_DOMAIN)) {
      return Optional.empty();
    }
    return Optional.of(reversed.substring(0, at).toUpperCase(Locale.ROOT) + '@' + ALIAS_DOMAIN);
  }
}
