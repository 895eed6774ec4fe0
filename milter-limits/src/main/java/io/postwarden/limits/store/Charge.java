package io.postwarden.limits.store;

import io.postwarden.limits.key.LimitKey;
import java.util.List;

/** What charging one event did. */
public sealed interface Charge {

  /** A refusable limit had no room: nothing was charged. */
  record Refused(Counter counter) implements Charge {}

  /**
   * The shared store could not count the event and {@code limits-redis-unavailable = defer}:
   * nothing was charged; SMTP clients are deferred and sendmail(1) mail is held.
   */
  record Unavailable() implements Charge {}

  /**
   * Everything was charged.
   *
   * @param over limits that had no room (their mail is held)
   * @param coolingDown keys in a cool-down, which holds all of their mail
   */
  record Charged(List<Counter> over, List<LimitKey> coolingDown) implements Charge {
    public Charged {
      over = List.copyOf(over);
      coolingDown = List.copyOf(coolingDown);
    }

    public boolean withinLimits() {
      return over.isEmpty() && coolingDown.isEmpty();
    }
  }
}
