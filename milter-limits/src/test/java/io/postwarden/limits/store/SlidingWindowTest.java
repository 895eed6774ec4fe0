package io.postwarden.limits.store;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class SlidingWindowTest {

  private static final long MINUTE = 60_000;

  @Test
  void countsWithinTheCurrentWindow() {
    SlidingWindow window = new SlidingWindow(MINUTE);
    window.add(10 * MINUTE, 3);
    window.add(10 * MINUTE + 59_999, 2);
    assertEquals(5, window.used(10 * MINUTE + 59_999));
  }

  @Test
  void thePreviousWindowFadesOutAsTheWindowSlides() {
    SlidingWindow window = new SlidingWindow(MINUTE);
    window.add(10 * MINUTE + 30_000, 100);
    // a quarter into the next window, three quarters of the previous one are still inside the last
    // minute
    assertEquals(75, window.used(11 * MINUTE + 15_000));
    assertEquals(50, window.used(11 * MINUTE + 30_000));
    // rounded up: a part of a message still counts as one
    assertEquals(1, window.used(11 * MINUTE + 59_999));
    assertEquals(0, window.used(12 * MINUTE));
  }

  @Test
  void aWindowLongPassedCountsNothingAndIsEmpty() {
    SlidingWindow window = new SlidingWindow(MINUTE);
    window.add(MINUTE, 7);
    assertFalse(window.empty(2 * MINUTE));
    assertTrue(window.empty(5 * MINUTE));
    assertEquals(0, window.used(5 * MINUTE));
  }

  @Test
  void aClockSetBackForgetsNothing() {
    SlidingWindow window = new SlidingWindow(MINUTE);
    window.add(10 * MINUTE + 30_000, 40);
    assertEquals(40, window.used(3 * MINUTE));
    window.add(3 * MINUTE, 2);
    assertEquals(42, window.used(10 * MINUTE + 30_000));
  }

  @Test
  void aDayLongWindowOfLargeCountsDoesNotOverflow() {
    long day = 86_400_000L * 31;
    SlidingWindow window = new SlidingWindow(day);
    window.add(0, Integer.MAX_VALUE);
    assertEquals((Integer.MAX_VALUE + 1L) / 2, window.used(day + day / 2));
  }
}
