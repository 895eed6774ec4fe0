package io.postwarden.core.server;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fixed number of daemon threads and a bounded queue: a submit to a full pool fails at once
 * (RejectedExecutionException) instead of piling up work nobody will wait for.
 */
public final class BoundedPool {

  private BoundedPool() {}

  /** Threads named {@code name}-1, {@code name}-2, … */
  public static ExecutorService of(String name, int threads, int queueCapacity) {
    AtomicInteger counter = new AtomicInteger();
    return new ThreadPoolExecutor(
        threads,
        threads,
        60,
        TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(queueCapacity),
        runnable -> {
          Thread thread = new Thread(runnable, name + "-" + counter.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        },
        new ThreadPoolExecutor.AbortPolicy());
  }
}
