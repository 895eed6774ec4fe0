package io.postwarden.limits.store;

/**
 * A sliding-window count in constant space: the count of the current fixed window plus the previous
 * window's, weighted by how much of it still lies inside the sliding window. With a steady rate it
 * is exact; it never counts less than a burst that fits into one fixed window. Times are epoch
 * milliseconds; not thread-safe.
 */
public final class SlidingWindow {

  private final long length;
  private long index;
  private long previous;
  private long current;

  SlidingWindow(long lengthMillis) {
    this.length = lengthMillis;
  }

  /** Restores a saved state (the state file, or a shared store's record of it). */
  public SlidingWindow(long lengthMillis, long index, long previous, long current) {
    this.length = lengthMillis;
    this.index = index;
    this.previous = previous;
    this.current = current;
  }

  /** Counted in the window that ends at {@code now}, rounded up. */
  public long used(long now) {
    roll(now);
    long elapsed = Math.min(length, Math.max(0, now - index * length));
    // previous × (share of the previous window still inside), rounded up; < 2^62 for a count < 2^31
    // and ≤ 31 days
    long carried = (previous * (length - elapsed) + length - 1) / length;
    return carried + current;
  }

  void add(long now, long amount) {
    roll(now);
    current += amount;
  }

  /** True once nothing counted is inside the window any more: the state can be dropped. */
  boolean empty(long now) {
    roll(now);
    return previous == 0 && current == 0;
  }

  long length() {
    return length;
  }

  long index() {
    return index;
  }

  long previous() {
    return previous;
  }

  long current() {
    return current;
  }

  private void roll(long now) {
    long nowIndex = Math.floorDiv(now, length);
    if (nowIndex <= index) {
      // the same window, or a clock set back: keep what was counted rather than forget it
      return;
    }
    previous = nowIndex == index + 1 ? current : 0;
    current = 0;
    index = nowIndex;
  }
}
