package io.postwarden.deploy;

import io.micrometer.core.instrument.MeterRegistry;
import io.postwarden.core.CoreKeys;
import io.postwarden.core.config.Config;
import io.postwarden.core.config.ConfigSchema;
import io.postwarden.core.policy.Policy;
import io.postwarden.srs.policy.SrsKeys;
import io.postwarden.srs.policy.SrsModule;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/** The one place that knows every module: their settings and their policies, in the order they run. */
public final class Modules {

  private Modules() {}

  public static ConfigSchema schema() {
    return CoreKeys.SCHEMA.plus(SrsKeys.SCHEMA);
  }

  /** The production assembly. */
  public static List<Policy> policies(Config config, MeterRegistry registry) throws IOException {
    List<Policy> policies = new ArrayList<>();
    policies.addAll(SrsModule.policies(config, registry, Clock.systemUTC()));
    return policies;
  }
}
