package io.postwarden.deploy;

import io.micrometer.core.instrument.MeterRegistry;
import io.postwarden.core.config.Config;
import io.postwarden.core.lookup.LookupTable;
import io.postwarden.core.policy.Policy;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Builds the policies, in the order they run, and the lookup tables from a configuration; their
 * meters go to {@code registry}. Called again on each reload; what an assembly keeps between calls
 * (the limits' counters, the long-sender store) it releases on {@link #close}.
 */
@FunctionalInterface
public interface PolicyAssembly extends AutoCloseable {

  List<Policy> policies(Config config, MeterRegistry registry) throws IOException;

  /**
   * The lookup tables Postfix may ask, by name, for the same configuration (sharing what the
   * policies keep).
   */
  default Map<String, LookupTable> lookupTables(Config config, MeterRegistry registry)
      throws IOException {
    return Modules.lookupTables(config, registry);
  }

  /** After the daemon has stopped: releases what outlives single configurations. */
  @Override
  default void close() {}
}
