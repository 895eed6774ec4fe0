package io.postwarden.core.server;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;

/**
 * The bounded pool where policy callbacks run, so that a slow lookup (DNS, /proc) never stalls the
 * event loop. Full queue: the submit fails at once and the session tempfails. Each call has a
 * deadline below Postfix's milter_command_timeout, so Postfix hears our tempfail rather than timing
 * out on its own.
 */
public final class PolicyWorkers implements AutoCloseable {

  private final ExecutorService executor;
  private final Duration deadline;

  public PolicyWorkers(int threads, int queueCapacity, Duration deadline) {
    this(BoundedPool.of("postwarden-policy", threads, queueCapacity), deadline);
  }

  /** Tests run the policies on an executor of their choice, e.g. inline. */
  PolicyWorkers(ExecutorService executor, Duration deadline) {
    this.executor = executor;
    this.deadline = deadline;
  }

  /** Runs {@code work} on the pool; the caller keeps the {@link #deadline()}. */
  <T> CompletableFuture<T> submit(Supplier<T> work) {
    return CompletableFuture.supplyAsync(work, executor);
  }

  /**
   * How long a call may take before its session tempfails. Kept by the session's event loop, whose
   * own timer costs no thread wake-up, where CompletableFuture.orTimeout's wakes a timer thread
   * twice per call.
   */
  Duration deadline() {
    return deadline;
  }

  @Override
  public void close() {
    executor.shutdown();
  }
}
