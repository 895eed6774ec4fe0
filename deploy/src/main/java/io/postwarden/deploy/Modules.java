package io.postwarden.deploy;

import io.postwarden.core.CoreKeys;
import io.postwarden.core.config.Config;
import io.postwarden.core.config.ConfigSchema;
import io.postwarden.core.policy.Policy;
import java.util.List;

/** The one place that knows every module: their settings and their policies, in the order they run. */
public final class Modules {

  private Modules() {}

  public static ConfigSchema schema() {
    return CoreKeys.SCHEMA;
  }

  public static List<Policy> policies(Config config) {
    return List.of();
  }
}
