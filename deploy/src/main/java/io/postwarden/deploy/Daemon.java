package io.postwarden.deploy;

import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.postwarden.core.CoreKeys;
import io.postwarden.core.LookupKeys;
import io.postwarden.core.config.Config;
import io.postwarden.core.logging.TransactionLog;
import io.postwarden.core.lookup.LookupTable;
import io.postwarden.core.lookup.server.LookupMetrics;
import io.postwarden.core.lookup.server.LookupServer;
import io.postwarden.core.lookup.server.LookupServerSettings;
import io.postwarden.core.metrics.MetricsEndpoint;
import io.postwarden.core.metrics.MilterMetrics;
import io.postwarden.core.policy.Policy;
import io.postwarden.core.server.MilterServer;
import io.postwarden.core.server.PolicyWorkers;
import io.postwarden.core.session.PolicyChain;
import io.postwarden.core.session.SessionObserver;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.SocketAddress;
import java.util.List;
import java.util.Map;

/**
 * The running Postwarden: milter listener, policy workers, metrics endpoint, wired from one
 * configuration.
 */
public final class Daemon implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(Daemon.class.getName());

  private final PolicyAssembly assembly;
  private volatile Config config;
  private final PrometheusMeterRegistry registry;
  private final PolicyWorkers workers;
  private final MilterServer server;
  private final MetricsEndpoint metrics;
  private final LookupServer lookups;
  private volatile boolean serving;

  private Daemon(Config config, PolicyAssembly assembly) throws IOException {
    this.config = config;
    this.assembly = assembly;
    this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    bindJvmMetrics(registry);
    List<Policy> policies = assembly.policies(config, registry);
    this.workers = CoreKeys.policyWorkers(config);
    SessionObserver observer =
        SessionObserver.all(
            List.of(
                new MilterMetrics(registry, policies.stream().map(Policy::name).toList()),
                new TransactionLog()));
    this.server =
        new MilterServer(
            CoreKeys.serverSettings(config), new PolicyChain(policies), workers, observer);
    MetricsEndpoint endpoint = null;
    LookupServer lookupServer = null;
    try {
      server.start();
      lookupServer = startLookups(config, registry, assembly);
      endpoint =
          CoreKeys.metricsAddress(config)
              .map(address -> new MetricsEndpoint(address, registry, () -> serving))
              .orElse(null);
    } catch (IOException | RuntimeException e) {
      if (lookupServer != null) {
        lookupServer.close();
      }
      server.close();
      workers.close();
      assembly.close();
      throw e;
    }
    this.metrics = endpoint;
    this.lookups = lookupServer;
    this.serving = true;
    LOG.log(Level.INFO, "Postwarden ready; policies: " + names(policies));
  }

  /** The lookup-table listeners, or null when none is configured. */
  private static LookupServer startLookups(
      Config config, PrometheusMeterRegistry registry, PolicyAssembly assembly) throws IOException {
    LookupServerSettings settings = LookupKeys.settings(config);
    if (!settings.enabled()) {
      return null;
    }
    Map<String, LookupTable> tables = assembly.lookupTables(config, registry);
    LookupServer lookups =
        new LookupServer(settings, tables, new LookupMetrics(registry, tables.keySet()));
    lookups.start();
    return lookups;
  }

  /**
   * Builds the policies, binds and serves; throws with a clear message when a policy's files are
   * unusable or an address is taken.
   */
  public static Daemon start(Config config, PolicyAssembly assembly) throws IOException {
    return new Daemon(config, assembly);
  }

  public List<SocketAddress> milterAddresses() {
    return server.boundAddresses();
  }

  /** Bound socketmap listeners (port 0 resolved); empty when none is configured. */
  public List<SocketAddress> socketmapAddresses() {
    return lookups == null ? List.of() : lookups.socketmapAddresses();
  }

  /**
   * Bound tcp_table listeners, in the order tcp-table lists them; empty when none is configured.
   */
  public List<SocketAddress> tcpTableAddresses() {
    return lookups == null ? List.of() : lookups.tcpTableAddresses();
  }

  public java.util.Optional<java.net.InetSocketAddress> metricsAddress() {
    return java.util.Optional.ofNullable(metrics).map(MetricsEndpoint::address);
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  public Config config() {
    return config;
  }

  /**
   * Applies a new configuration to sessions that start from now on; sessions in flight finish under
   * the old one. A configuration whose policies cannot be built (unreadable secrets, audit log) is
   * refused and the running one kept. Listener, metrics and worker settings need a restart;
   * changing them is reported, not applied.
   */
  public synchronized boolean reload(Config newConfig) {
    List<Policy> policies;
    Map<String, LookupTable> tables;
    try {
      policies = assembly.policies(newConfig, registry);
      tables = lookups == null ? Map.of() : assembly.lookupTables(newConfig, registry);
    } catch (IOException | RuntimeException e) {
      LOG.log(Level.ERROR, "reload refused, keeping the running configuration: " + e.getMessage());
      return false;
    }
    for (var key : CoreKeys.SCHEMA.plus(LookupKeys.SCHEMA).keys()) {
      if (key != CoreKeys.LOG_LEVEL && !config.get(key).equals(newConfig.get(key))) {
        LOG.log(Level.WARNING, key.name() + " changed: it takes effect after a restart");
      }
    }
    server.replacePolicies(new PolicyChain(policies));
    if (lookups != null) {
      lookups.replaceTables(tables);
    }
    config = newConfig;
    LOG.log(Level.INFO, "reloaded configuration; policies: " + names(policies));
    return true;
  }

  private static String names(List<Policy> policies) {
    return policies.isEmpty()
        ? "none (pass-through)"
        : String.join(", ", policies.stream().map(Policy::name).toList());
  }

  /** Graceful stop: no new sessions, sessions in flight finish within shutdown-grace. */
  public void shutdown() {
    if (!serving) {
      return;
    }
    serving = false;
    LOG.log(
        Level.INFO,
        "stopping: waiting up to "
            + config.get(CoreKeys.SHUTDOWN_GRACE).toSeconds()
            + "s for "
            + server.activeSessions()
            + " session(s)");
    boolean drained = server.shutdown(config.get(CoreKeys.SHUTDOWN_GRACE));
    if (lookups != null) {
      // after the sessions in flight: their messages' cleanup still asks the canonical maps
      lookups.close();
    }
    workers.close();
    assembly.close();
    if (metrics != null) {
      metrics.close();
    }
    LOG.log(
        Level.INFO,
        drained ? "stopped cleanly" : "stopped; sessions still open at the deadline were closed");
  }

  /** Immediate stop, as a crash would (tests use it to play a dead milter). */
  @Override
  public void close() {
    serving = false;
    if (lookups != null) {
      lookups.close();
    }
    server.close();
    workers.close();
    assembly.close();
    if (metrics != null) {
      metrics.close();
    }
  }

  private static void bindJvmMetrics(PrometheusMeterRegistry registry) {
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
  }
}
