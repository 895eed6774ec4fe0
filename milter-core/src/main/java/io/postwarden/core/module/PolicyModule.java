package io.postwarden.core.module;

import io.micrometer.core.instrument.MeterRegistry;
import io.postwarden.core.config.Config;
import io.postwarden.core.config.ConfigSchema;
import io.postwarden.core.lookup.LookupTable;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * One policy module (SRS, audit, limits): the settings it reads, the rules across them, and what it
 * adds to the policy chain and the lookup tables for one configuration. The daemon keeps one
 * instance for its lifetime and asks it again on each reload, so a module may keep what must
 * survive a reload (counters, a store); it releases that on {@link #close}.
 */
public interface PolicyModule extends AutoCloseable {

  /** Every setting the module reads. */
  ConfigSchema schema();

  /**
   * What start-up would refuse that no single key's check sees, found without starting: rules
   * across this module's keys (or one of its keys against a core key), and the files its keys name,
   * by the code start-up runs. Each problem names its keys.
   */
  List<String> problems(Config config);

  /**
   * Adds this module's policies for {@code config} to {@code chain}, and shares what modules built
   * after it use. Throws, with a message for the administrator, when a file the configuration names
   * is unusable.
   */
  void build(Config config, ChainBuilder chain) throws IOException;

  /** The lookup tables Postfix may ask over socketmap or tcp_table, by name; none by default. */
  default Map<String, LookupTable> lookupTables(Config config, MeterRegistry registry)
      throws IOException {
    return Map.of();
  }

  /** After the daemon has stopped: releases what the module kept across configurations. */
  @Override
  default void close() {}
}
