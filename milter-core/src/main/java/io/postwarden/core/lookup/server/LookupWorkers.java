package io.postwarden.core.lookup.server;

import io.postwarden.core.server.BoundedPool;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

/**
 * The bounded pool where lookups that may block run (a long sender's store), so that a slow store
 * never stalls the network threads and the connections they serve. Full: the lookup fails at once
 * and Postfix hears "try again later".
 */
final class LookupWorkers implements AutoCloseable {

  private final ExecutorService executor;

  LookupWorkers(int threads, int queueCapacity) {
    this.executor = BoundedPool.of("postwarden-lookup-worker", threads, queueCapacity);
  }

  /** Completes exceptionally at once when the pool is saturated or closed. */
  <T> CompletableFuture<T> submit(Supplier<T> work) {
    try {
      return CompletableFuture.supplyAsync(work, executor);
    } catch (RejectedExecutionException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public void close() {
    executor.shutdown();
  }
}
