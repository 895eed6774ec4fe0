package io.postwarden.srs.longsender;

/**
 * How much a flood of made-up long senders can put in the store: new entries per clock hour, and
 * entries in all. Refreshing an entry that is there already counts against neither.
 */
public record StoreLimits(int maxNewPerHour, long maxEntries) {

  public StoreLimits {
    if (maxNewPerHour < 1 || maxEntries < 1) {
      throw new IllegalArgumentException(
          "store limits must be positive: " + maxNewPerHour + ", " + maxEntries);
    }
  }
}
