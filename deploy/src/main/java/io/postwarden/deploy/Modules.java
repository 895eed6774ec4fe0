package io.postwarden.deploy;

import io.micrometer.core.instrument.MeterRegistry;
import io.postwarden.audit.AuditKeys;
import io.postwarden.audit.AuditModule;
import io.postwarden.audit.identity.ClientIdentifier;
import io.postwarden.core.CoreKeys;
import io.postwarden.core.LookupKeys;
import io.postwarden.core.config.Config;
import io.postwarden.core.config.ConfigSchema;
import io.postwarden.core.lookup.LookupTable;
import io.postwarden.core.lookup.server.LookupServerSettings;
import io.postwarden.core.policy.Policy;
import io.postwarden.limits.LimitsKeys;
import io.postwarden.limits.LimitsModule;
import io.postwarden.srs.longsender.LongSenderModule;
import io.postwarden.srs.maps.SrsTables;
import io.postwarden.srs.policy.SrsKeys;
import io.postwarden.srs.policy.SrsModule;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The one place that knows every module: their settings and their policies, in the order they run.
 */
public final class Modules {

  private Modules() {}

  public static ConfigSchema schema() {
    return CoreKeys.SCHEMA
        .plus(LookupKeys.SCHEMA)
        .plus(SrsKeys.SCHEMA)
        .plus(AuditKeys.SCHEMA)
        .plus(LimitsKeys.SCHEMA);
  }

  /**
   * Rules that a single key's check cannot see (the file's own check has run already): those
   * spanning several keys, and the secrets file's, by the very code start-up runs. What start-up
   * would refuse, found without starting; each problem names its keys.
   */
  public static List<String> crossKeyProblems(Config config) {
    List<String> problems = new ArrayList<>();
    try {
      CoreKeys.serverSettings(config);
    } catch (IllegalArgumentException e) {
      problems.add("milter, non-smtpd-milter: " + e.getMessage());
    }
    if (config.get(SrsKeys.HASH_MINIMUM) > config.get(SrsKeys.HASH_LENGTH)) {
      problems.add(
          "hash-minimum: "
              + config.get(SrsKeys.HASH_MINIMUM)
              + " is more than hash-length "
              + config.get(SrsKeys.HASH_LENGTH)
              + "; addresses we write would not verify");
    }
    SrsModule.secretsFileProblem(config).ifPresent(problems::add);
    AuditModule.keyFileProblem(config).ifPresent(problems::add);
    problems.addAll(SrsModule.lazyAndDomainMapProblems(config));
    Duration lazyTimeout = config.get(SrsKeys.LAZY_TIMEOUT);
    Duration policyTimeout = config.get(CoreKeys.POLICY_TIMEOUT);
    if (config.get(SrsKeys.LAZY) && lazyTimeout.compareTo(policyTimeout) >= 0) {
      problems.add(
          "srs-lazy-timeout: "
              + lazyTimeout.toMillis()
              + "ms is not below policy-timeout "
              + policyTimeout.toMillis()
              + "ms; forwards would be tempfailed whenever DNS is slow");
    }
    LongSenderModule.fileProblem(config).ifPresent(problems::add);
    lookupProblem(config).ifPresent(problems::add);
    return problems;
  }

  /**
   * Lookup tables served without SRS, or a tcp_table listener for a table nobody serves, cannot
   * work.
   */
  static Optional<String> lookupProblem(Config config) {
    LookupServerSettings settings = LookupKeys.settings(config);
    if (settings.enabled() && SrsModule.srsDomain(config).isEmpty()) {
      return Optional.of(
          "socketmap, tcp-table: the lookup tables are SRS's; set srs-domain (or domains)");
    }
    return settings.tcpTables().keySet().stream()
        .filter(table -> !SrsTables.NAMES.contains(table))
        .findFirst()
        .map(
            table ->
                "tcp-table: no table named "
                    + table
                    + "; the tables are "
                    + String.join(", ", SrsTables.NAMES));
  }

  /**
   * The lookup tables Postfix may ask (socketmap, tcp_table), by name; none when SRS is off. Long
   * senders go to a store of their own, opened on first use: the daemon's assembly shares its store
   * instead.
   */
  public static Map<String, LookupTable> lookupTables(Config config, MeterRegistry registry)
      throws IOException {
    return SrsTables.of(config, registry, Clock.systemUTC());
  }

  /**
   * The daemon's assembly: the limits' counters and the long-sender store live in it, so they
   * survive reloads, and the milter and the lookup tables share the store; closing it after the
   * daemon stopped writes the counts to the state file, where the next start finds them, and closes
   * the store.
   */
  public static PolicyAssembly assembly() {
    LimitsModule limits = new LimitsModule(Clock.systemUTC(), true);
    LongSenderModule longSenders = new LongSenderModule(Clock.systemUTC());
    return new PolicyAssembly() {
      @Override
      public List<Policy> policies(Config config, MeterRegistry registry) throws IOException {
        return Modules.policies(config, registry, limits, longSenders);
      }

      @Override
      public Map<String, LookupTable> lookupTables(Config config, MeterRegistry registry)
          throws IOException {
        return SrsTables.of(config, registry, Clock.systemUTC(), longSenders);
      }

      @Override
      public void close() {
        limits.close();
        longSenders.close();
      }
    };
  }

  /**
   * The production policies for a single configuration: the limits count afresh from this call on,
   * and neither read nor write the state file.
   */
  public static List<Policy> policies(Config config, MeterRegistry registry) throws IOException {
    return policies(
        config,
        registry,
        new LimitsModule(Clock.systemUTC(), false),
        new LongSenderModule(Clock.systemUTC()));
  }

  /**
   * The production policies. The guard runs first (a refusal ends the chain before anything is
   * counted or rewritten), the limits after SRS (a recipient SRS refuses is not counted), the audit
   * tags last (they record what the others decided, and which limit held a message).
   */
  private static List<Policy> policies(
      Config config, MeterRegistry registry, LimitsModule limits, LongSenderModule longSenders)
      throws IOException {
    List<Policy> srs = SrsModule.policies(config, registry, Clock.systemUTC(), longSenders);
    Optional<Function<ClientIdentifier, Policy>> limitsPolicy = limits.policy(config, registry);
    // opened last: nothing after it can fail and leave its log writer behind
    AuditModule audit = AuditModule.open(config, registry);
    List<Policy> policies = new ArrayList<>();
    audit.guard().ifPresent(policies::add);
    policies.addAll(srs);
    limitsPolicy.map(policy -> policy.apply(audit.identifier())).ifPresent(policies::add);
    policies.add(audit.audit());
    return policies;
  }
}
