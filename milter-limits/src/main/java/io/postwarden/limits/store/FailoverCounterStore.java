package io.postwarden.limits.store;

import io.postwarden.core.logging.RateLimitedLog;
import io.postwarden.limits.key.LimitKey;
import io.postwarden.limits.rule.LimitRule;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A shared store, and what happens to an event it cannot count (docs/decisions/0019): {@link
 * WhenUnavailable#LOCAL} counts it in this server's own store, so every server still enforces every
 * limit on its own; {@link WhenUnavailable#DEFER} counts nothing and answers {@link
 * Charge.Unavailable}: SMTP clients are deferred, sendmail(1) mail is held. Either way no mail is
 * lost and no sender goes unlimited. Each such event is counted and logged (at most a few lines a
 * minute).
 */
public final class FailoverCounterStore implements CounterStore {

  private static final System.Logger LOG = System.getLogger("postwarden.limits");

  /** {@code limits-redis-unavailable}. */
  public enum WhenUnavailable {
    LOCAL,
    DEFER;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static WhenUnavailable parse(String text) {
      for (WhenUnavailable value : values()) {
        if (value.label().equals(text.strip().toLowerCase(Locale.ROOT))) {
          return value;
        }
      }
      throw new IllegalArgumentException("expected local or defer, got \"" + text + "\"");
    }
  }

  private final CounterStore shared;
  private final Supplier<? extends CounterStore> local;
  private final WhenUnavailable whenUnavailable;
  private final Consumer<WhenUnavailable> unavailable;
  private final RateLimitedLog log = RateLimitedLog.perMinute(LOG);

  /**
   * @param local this server's own store (the current one: a reload may replace it)
   * @param unavailable told of each event the shared store could not count
   */
  public FailoverCounterStore(
      CounterStore shared,
      Supplier<? extends CounterStore> local,
      WhenUnavailable whenUnavailable,
      Consumer<WhenUnavailable> unavailable) {
    this.shared = shared;
    this.local = local;
    this.whenUnavailable = whenUnavailable;
    this.unavailable = unavailable;
  }

  @Override
  public Charge charge(List<LimitKey> keys, List<Counter> counters) {
    try {
      return shared.charge(keys, counters);
    } catch (StoreUnavailableException e) {
      unavailable.accept(whenUnavailable);
      log.log(
          Level.WARNING,
          "shared store unavailable",
          "limits cannot be counted in Redis ("
              + e.getMessage()
              + "): "
              + (whenUnavailable == WhenUnavailable.LOCAL
                  ? "counting on this server alone"
                  : "deferring SMTP clients and holding sendmail(1) mail"));
      return whenUnavailable == WhenUnavailable.LOCAL
          ? local.get().charge(keys, counters)
          : new Charge.Unavailable();
    }
  }

  /** The shared counts; throws {@link StoreUnavailableException} while they cannot be read. */
  @Override
  public KeyUsage usage(LimitKey key, List<LimitRule> rules) {
    return shared.usage(key, rules);
  }

  @Override
  public List<LimitKey> activeKeys(int max) {
    return shared.activeKeys(max);
  }

  /** Forgets the key here (what an outage counted) and in the shared store. */
  @Override
  public boolean reset(LimitKey key) {
    boolean here = local.get().reset(key);
    return shared.reset(key) || here;
  }

  @Override
  public void close() {
    shared.close();
  }
}
