package io.postwarden.core.session;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Bytes that all sessions together may keep for their transactions (headers, recipients). A
 * per-transaction bound alone is not enough: a local user opens many connections, and each one's
 * bound adds up past the heap.
 */
public final class MemoryBudget {

  private final long capacity;
  private final AtomicLong used = new AtomicLong();

  public MemoryBudget(long capacity) {
    if (capacity <= 0) {
      throw new IllegalArgumentException("memory budget must be positive");
    }
    this.capacity = capacity;
  }

  /** Takes {@code bytes} if they fit, all or nothing. */
  boolean tryReserve(long bytes) {
    long before;
    do {
      before = used.get();
      if (before + bytes > capacity) {
        return false;
      }
    } while (!used.compareAndSet(before, before + bytes));
    return true;
  }

  void release(long bytes) {
    used.addAndGet(-bytes);
  }

  public long used() {
    return used.get();
  }

  public long capacity() {
    return capacity;
  }
}
