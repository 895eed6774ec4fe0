package io.postwarden.deploy;

import io.micrometer.core.instrument.MeterRegistry;
import io.postwarden.audit.AuditModule;
import io.postwarden.core.CoreKeys;
import io.postwarden.core.LookupKeys;
import io.postwarden.core.config.Config;
import io.postwarden.core.config.ConfigSchema;
import io.postwarden.core.lookup.LookupTable;
import io.postwarden.core.module.ChainBuilder;
import io.postwarden.core.module.PolicyModule;
import io.postwarden.core.policy.Policy;
import io.postwarden.limits.LimitsModule;
import io.postwarden.srs.SrsModule;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one place that knows every module. Each policy takes its place in the chain ({@link
 * ChainBuilder.Place}): the guard first (a refusal ends the chain before anything is counted or
 * rewritten), the limits after SRS (a recipient SRS refuses is not counted), the audit tags last
 * (they record what the others decided, and which limit held a message).
 */
public final class Modules {

  private Modules() {}

  /**
   * The modules, in the order they are built: the limits count by the client identifier that the
   * audit module shares.
   *
   * @param keepState whether the limits read and write their state file (the daemon's modules)
   */
  private static List<PolicyModule> all(boolean keepState) {
    Clock clock = Clock.systemUTC();
    return List.of(new SrsModule(clock), new AuditModule(), new LimitsModule(clock, keepState));
  }

  public static ConfigSchema schema() {
    ConfigSchema schema = CoreKeys.SCHEMA.plus(LookupKeys.SCHEMA);
    for (PolicyModule module : all(false)) {
      schema = schema.plus(module.schema());
    }
    return schema;
  }

  /**
   * Rules that a single key's check cannot see (the file's own check has run already): those
   * spanning several keys, and the files the keys name, by the very code start-up runs. What
   * start-up would refuse, found without starting; each problem names its keys.
   */
  public static List<String> crossKeyProblems(Config config) {
    List<String> problems = new ArrayList<>(CoreKeys.problems(config));
    for (PolicyModule module : all(false)) {
      problems.addAll(module.problems(config));
    }
    return problems;
  }

  /**
   * The lookup tables Postfix may ask (socketmap, tcp_table), by name; none when SRS is off. Long
   * senders go to a store of their own, opened on first use: the daemon's assembly shares its store
   * instead.
   */
  public static Map<String, LookupTable> lookupTables(Config config, MeterRegistry registry)
      throws IOException {
    return lookupTables(all(false), config, registry);
  }

  /**
   * The daemon's assembly: the limits' counters and the long-sender store live in its modules, so
   * they survive reloads, and the milter and the lookup tables share the store; closing it after
   * the daemon stopped writes the counts to the state file, where the next start finds them, and
   * closes the store.
   */
  public static PolicyAssembly assembly() {
    List<PolicyModule> modules = all(true);
    return new PolicyAssembly() {
      @Override
      public List<Policy> policies(Config config, MeterRegistry registry) throws IOException {
        return build(modules, config, registry);
      }

      @Override
      public Map<String, LookupTable> lookupTables(Config config, MeterRegistry registry)
          throws IOException {
        return Modules.lookupTables(modules, config, registry);
      }

      @Override
      public void close() {
        modules.forEach(PolicyModule::close);
      }
    };
  }

  /**
   * The production policies for a single configuration: the limits count afresh from this call on,
   * and neither read nor write the state file.
   */
  public static List<Policy> policies(Config config, MeterRegistry registry) throws IOException {
    return build(all(false), config, registry);
  }

  /** A module that fails leaves nothing open behind it: the chain built so far is abandoned. */
  private static List<Policy> build(
      List<PolicyModule> modules, Config config, MeterRegistry registry) throws IOException {
    ChainBuilder chain = new ChainBuilder(registry);
    try {
      for (PolicyModule module : modules) {
        module.build(config, chain);
      }
    } catch (IOException | RuntimeException e) {
      chain.abandon();
      throw e;
    }
    return chain.policies();
  }

  private static Map<String, LookupTable> lookupTables(
      List<PolicyModule> modules, Config config, MeterRegistry registry) throws IOException {
    Map<String, LookupTable> tables = new LinkedHashMap<>();
    for (PolicyModule module : modules) {
      tables.putAll(module.lookupTables(config, registry));
    }
    return tables;
  }
}
