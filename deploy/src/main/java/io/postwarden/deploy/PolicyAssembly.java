package io.postwarden.deploy;

import io.micrometer.core.instrument.MeterRegistry;
import io.postwarden.core.config.Config;
import io.postwarden.core.policy.Policy;
import java.io.IOException;
import java.util.List;

/**
 * Builds the policies, in the order they run, from a configuration; their meters go to {@code registry}. Called
 * again on each reload; what an assembly keeps between calls (the limits' counters) it releases on {@link #close}.
 */
@FunctionalInterface
public interface PolicyAssembly extends AutoCloseable {

  List<Policy> policies(Config config, MeterRegistry registry) throws IOException;

  /** After the daemon has stopped: releases what outlives single configurations. */
  @Override
  default void close() {}
}
