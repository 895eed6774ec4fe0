package io.postwarden.core.testing;

import java.util.List;

/**
 * Child processes without the libfaketime that scripts/test-shifted-clock preloads into the test
 * JVM, which every child would otherwise inherit. A child that becomes another user cannot open
 * root's libfaketime semaphore (mode 0600), makes its own under its pid, and exits 1 when a stale
 * one of that name exists; redis-server does not start under it at all. The tests pass their own
 * "now" wherever a child's clock matters.
 */
public final class RealClock {

  private RealClock() {}

  /** A builder for {@code command} whose environment has no libfaketime settings. */
  public static ProcessBuilder process(List<String> command) {
    ProcessBuilder builder = new ProcessBuilder(command);
    builder
        .environment()
        .keySet()
        .removeIf(name -> name.equals("LD_PRELOAD") || name.startsWith("FAKETIME"));
    return builder;
  }
}
