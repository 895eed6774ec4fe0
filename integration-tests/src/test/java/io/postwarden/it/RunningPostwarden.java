package io.postwarden.it;

import io.postwarden.core.config.Config;
import io.postwarden.core.config.ConfigException;
import io.postwarden.core.policy.Policy;
import io.postwarden.core.CoreKeys;
import io.postwarden.deploy.Daemon;
import io.postwarden.deploy.LogSetup;
import io.postwarden.deploy.Modules;
import io.postwarden.it.harness.Ports;
import java.util.List;
import java.util.function.Function;

/**
 * Postwarden in the test JVM on fixed loopback ports, so Postfix can be pointed at it before it starts and it
 * can be killed and started again on the same ports.
 */
public final class RunningPostwarden implements AutoCloseable {

  private final int smtpdPort = Ports.freePort();
  private final int nonSmtpdPort = Ports.freePort();
  private final String extraConfig;
  private final Function<Config, List<Policy>> policies;
  private Daemon daemon;

  /** The policies the real daemon assembles from {@code extraConfig}. */
  public RunningPostwarden(String extraConfig) {
    this(extraConfig, Modules::policies);
  }

  public RunningPostwarden(String extraConfig, Function<Config, List<Policy>> policies) {
    this.extraConfig = extraConfig;
    this.policies = policies;
  }

  public String smtpdEndpoint() {
    return "inet:127.0.0.1:" + smtpdPort;
  }

  public String nonSmtpdEndpoint() {
    return "inet:127.0.0.1:" + nonSmtpdPort;
  }

  public synchronized RunningPostwarden start() {
    Config config;
    try {
      config = Config.parse("milter = \"" + smtpdEndpoint() + "\"\nnon-smtpd-milter = \"" + nonSmtpdEndpoint()
          + "\"\nmetrics-listen = \"127.0.0.1:0\"\nshutdown-grace = 2s\n" + extraConfig, "test config",
          Modules.schema());
    } catch (ConfigException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    LogSetup.configure(CoreKeys.logLevel(config));
    daemon = Daemon.start(config, policies.apply(config));
    return this;
  }

  public Daemon daemon() {
    return daemon;
  }

  /** Stops at once, as a crash would: Postfix finds nobody listening. */
  public synchronized void kill() {
    if (daemon != null) {
      daemon.close();
      daemon = null;
    }
  }

  @Override
  public void close() {
    kill();
  }
}
