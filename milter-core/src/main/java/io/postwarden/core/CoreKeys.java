package io.postwarden.core;

import io.postwarden.core.config.Config;
import io.postwarden.core.config.ConfigKey;
import io.postwarden.core.config.ConfigSchema;
import io.postwarden.core.policy.MailOrigin;
import io.postwarden.core.server.Endpoint;
import io.postwarden.core.server.Listener;
import io.postwarden.core.server.PolicyWorkers;
import io.postwarden.core.server.ServerSettings;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;

/** The core's settings: where to listen, how long to wait, how much to take on. */
public final class CoreKeys {

  /** Postfix's largest packet is a 64 KiB body chunk or one header (header_size_limit, 100 KiB by default). */
  public static final int MAX_PACKET_SIZE = 1 << 20;

  public static final ConfigKey<List<String>> MILTER = ConfigKey.list("milter",
      List.of("inet:127.0.0.1:8895"),
      "Where Postfix's smtpd_milters connect: inet:ADDRESS:PORT or unix:/PATH, one or several.")
      .validatedBy(endpoints -> {
        if (endpoints.isEmpty()) {
          throw new IllegalArgumentException("at least one endpoint is needed");
        }
        endpoints.forEach(Endpoint::parse);
      });

  public static final ConfigKey<List<String>> NON_SMTPD_MILTER = ConfigKey.list("non-smtpd-milter",
      List.of("inet:127.0.0.1:8896"),
      "Where Postfix's non_smtpd_milters (sendmail(1), pickup) connect; must differ from milter.")
      .validatedBy(endpoints -> endpoints.forEach(Endpoint::parse));

  public static final ConfigKey<String> METRICS_LISTEN = ConfigKey.string("metrics-listen", "127.0.0.1:9188",
      "ADDRESS:PORT for /metrics and /health; empty to disable.")
      .validatedBy(CoreKeys::metricsAddress);

  public static final ConfigKey<Integer> MAX_SESSIONS = ConfigKey.integer("max-sessions", 1000, 1, 100_000,
      "Milter connections served at once; more are closed and Postfix applies milter_default_action.");

  public static final ConfigKey<Duration> SESSION_IDLE_TIMEOUT = ConfigKey.duration("session-idle-timeout",
      Duration.ofMinutes(10),
      "A session silent this long is closed. Keep it above Postfix's smtpd_timeout (300s).")
      .validatedBy(d -> positive(d, "session-idle-timeout"));

  public static final ConfigKey<Duration> POLICY_TIMEOUT = ConfigKey.duration("policy-timeout",
      Duration.ofSeconds(20),
      "Longest a stage may take before the message is tempfailed. Keep it below milter_command_timeout (30s).")
      .validatedBy(d -> positive(d, "policy-timeout"));

  public static final ConfigKey<Integer> POLICY_THREADS = ConfigKey.integer("policy-threads", 16, 1, 1024,
      "Threads that run policy lookups (DNS, /proc), away from network I/O.");

  public static final ConfigKey<Integer> POLICY_QUEUE = ConfigKey.integer("policy-queue", 4096, 1, 1_000_000,
      "Stages that may wait for a policy thread; beyond that, messages are tempfailed.");

  public static final ConfigKey<Duration> SHUTDOWN_GRACE = ConfigKey.duration("shutdown-grace",
      Duration.ofSeconds(30), "On SIGTERM, how long sessions in flight may take to finish.");

  public static final ConfigKey<String> LOG_LEVEL = ConfigKey.string("log-level", "info",
      "One of error, warning, info, debug.")
      .validatedBy(CoreKeys::logLevel);

  public static final ConfigSchema SCHEMA = ConfigSchema.of(MILTER, NON_SMTPD_MILTER, METRICS_LISTEN, MAX_SESSIONS,
      SESSION_IDLE_TIMEOUT, POLICY_TIMEOUT, POLICY_THREADS, POLICY_QUEUE, SHUTDOWN_GRACE, LOG_LEVEL);

  private CoreKeys() {}

  public static ServerSettings serverSettings(Config config) {
    List<Listener> listeners = new ArrayList<>();
    config.get(MILTER).forEach(spec -> listeners.add(new Listener(Endpoint.parse(spec), MailOrigin.SMTPD)));
    config.get(NON_SMTPD_MILTER)
        .forEach(spec -> listeners.add(new Listener(Endpoint.parse(spec), MailOrigin.NON_SMTPD)));
    return new ServerSettings(listeners, MAX_PACKET_SIZE,
        config.get(SESSION_IDLE_TIMEOUT), config.get(MAX_SESSIONS), config.get(SHUTDOWN_GRACE));
  }

  public static PolicyWorkers policyWorkers(Config config) {
    return new PolicyWorkers(config.get(POLICY_THREADS), config.get(POLICY_QUEUE), config.get(POLICY_TIMEOUT));
  }

  /** The metrics address, or empty when disabled. */
  public static Optional<InetSocketAddress> metricsAddress(Config config) {
    return metricsAddress(config.get(METRICS_LISTEN));
  }

  public static Level logLevel(Config config) {
    return logLevel(config.get(LOG_LEVEL));
  }

  private static Optional<InetSocketAddress> metricsAddress(String value) {
    if (value.isEmpty()) {
      return Optional.empty();
    }
    Endpoint endpoint = Endpoint.parse("inet:" + value);
    return Optional.of((InetSocketAddress) endpoint.address());
  }

  private static Level logLevel(String value) {
    return switch (value) {
      case "error" -> Level.SEVERE;
      case "warning" -> Level.WARNING;
      case "info" -> Level.INFO;
      case "debug" -> Level.FINE;
      default -> throw new IllegalArgumentException("expected error, warning, info or debug, got \"" + value + "\"");
    };
  }

  private static void positive(Duration duration, String name) {
    if (duration.isZero() || duration.isNegative()) {
      throw new IllegalArgumentException(name + " must be more than zero");
    }
  }
}
