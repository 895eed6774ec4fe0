package io.postwarden.deploy;

import io.micrometer.core.instrument.MeterRegistry;
import io.postwarden.core.config.Config;
import io.postwarden.core.policy.Policy;
import java.io.IOException;
import java.util.List;

/** Builds the policies, in the order they run, from a configuration; their meters go to {@code registry}. */
@FunctionalInterface
public interface PolicyAssembly {

  List<Policy> policies(Config config, MeterRegistry registry) throws IOException;
}
