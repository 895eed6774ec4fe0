package io.postwarden.limits.store;

import io.postwarden.limits.key.LimitKey;
import io.postwarden.limits.rule.LimitRule;
import java.util.List;

/**
 * Where the counters live: in this process, or shared by several mail servers. Every operation is
 * atomic across the keys it names, so concurrent sessions (or servers) never both take the last
 * unit of a budget.
 */
public interface CounterStore extends AutoCloseable {

  /**
   * Charges one event (a message, or one recipient) to every counter. If a refusable counter has no
   * room, nothing is charged and it is returned; otherwise every counter is charged and those
   * without room are reported. A counter with a cool-down that has no room starts its key's
   * cool-down either way.
   *
   * @param keys every key of the transaction, whose cool-downs apply whether or not a counter names
   *     them
   * @param counters the limits of those keys that count this event
   */
  Charge charge(List<LimitKey> keys, List<Counter> counters);

  /** How much of each limit {@code key} has used. */
  KeyUsage usage(LimitKey key, List<LimitRule> rules);

  /** The keys that have counted anything recently (at most {@code max}), for an overview. */
  List<LimitKey> activeKeys(int max);

  /** Forgets a key's counts and cool-down; true if there was anything to forget. */
  boolean reset(LimitKey key);

  /**
   * Whether {@link #charge} answers from memory, without waiting on I/O: then the limits policy may
   * run on the event loop. Default: it may wait (a network store), so it runs on the policy
   * workers.
   */
  default boolean answersFromMemory() {
    return false;
  }

  @Override
  void close();
}
