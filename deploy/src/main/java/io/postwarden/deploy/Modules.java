package io.postwarden.deploy;

import io.micrometer.core.instrument.MeterRegistry;
import io.postwarden.audit.AuditKeys;
import io.postwarden.audit.AuditModule;
import io.postwarden.core.CoreKeys;
import io.postwarden.core.LookupKeys;
import io.postwarden.core.config.Config;
import io.postwarden.core.config.ConfigSchema;
import io.postwarden.core.lookup.LookupTable;
import io.postwarden.core.lookup.server.LookupServerSettings;
import io.postwarden.core.policy.Policy;
import io.postwarden.srs.policy.SrsKeys;
import io.postwarden.srs.maps.SrsTables;
import io.postwarden.srs.policy.SrsModule;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The one place that knows every module: their settings and their policies, in the order they run. */
public final class Modules {

  private Modules() {}

  public static ConfigSchema schema() {
    return CoreKeys.SCHEMA.plus(LookupKeys.SCHEMA).plus(SrsKeys.SCHEMA).plus(AuditKeys.SCHEMA);
  }

  /**
   * Rules that a single key's check cannot see (the file's own check has run already): those spanning several keys,
   * and the secrets file's, by the very code start-up runs. What start-up would refuse, found without starting; each
   * problem names its keys.
   */
  public static List<String> crossKeyProblems(Config config) {
    List<String> problems = new ArrayList<>();
    try {
      CoreKeys.serverSettings(config);
    } catch (IllegalArgumentException e) {
      problems.add("milter, non-smtpd-milter: " + e.getMessage());
    }
    if (config.get(SrsKeys.HASH_MINIMUM) > config.get(SrsKeys.HASH_LENGTH)) {
      problems.add("hash-minimum: " + config.get(SrsKeys.HASH_MINIMUM) + " is more than hash-length "
          + config.get(SrsKeys.HASH_LENGTH) + "; addresses we write would not verify");
    }
    SrsModule.secretsFileProblem(config).ifPresent(problems::add);
    lookupProblem(config).ifPresent(problems::add);
    return problems;
  }

  /** Lookup tables served without SRS, or a tcp_table listener for a table nobody serves, cannot work. */
  static Optional<String> lookupProblem(Config config) {
    LookupServerSettings settings = LookupKeys.settings(config);
    if (settings.enabled() && SrsModule.srsDomain(config).isEmpty()) {
      return Optional.of("socketmap, tcp-table: the lookup tables are SRS's; set srs-domain (or domains)");
    }
    return settings.tcpTables().keySet().stream().filter(table -> !SrsTables.NAMES.contains(table)).findFirst()
        .map(table -> "tcp-table: no table named " + table + "; the tables are " + String.join(", ", SrsTables.NAMES));
  }

  /** The lookup tables Postfix may ask (socketmap, tcp_table), by name; none when SRS is off. */
  public static Map<String, LookupTable> lookupTables(Config config, MeterRegistry registry) throws IOException {
    return SrsTables.of(config, registry, Clock.systemUTC());
  }

  /**
   * The production assembly. The guard runs first (a refusal ends the chain before anything is rewritten), the
   * audit tags last (they record what the others decided).
   */
  public static List<Policy> policies(Config config, MeterRegistry registry) throws IOException {
    List<Policy> srs = SrsModule.policies(config, registry, Clock.systemUTC());
    // opened last: nothing after it can fail and leave its log writer behind
    AuditModule audit = AuditModule.open(config, registry);
    List<Policy> policies = new ArrayList<>();
    audit.guard().ifPresent(policies::add);
    policies.addAll(srs);
    policies.add(audit.audit());
    return policies;
  }
}
