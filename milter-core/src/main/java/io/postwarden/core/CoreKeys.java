package io.postwarden.core;

import io.postwarden.core.config.Config;
import io.postwarden.core.config.ConfigKey;
import io.postwarden.core.config.ConfigSchema;
import io.postwarden.core.policy.MailOrigin;
import io.postwarden.core.server.Endpoint;
import io.postwarden.core.server.Listener;
import io.postwarden.core.server.ListenerLimits;
import io.postwarden.core.server.PolicyWorkers;
import io.postwarden.core.server.ServerSettings;
import io.postwarden.core.server.SocketAccess;
import io.postwarden.core.session.MemoryBudget;
import io.postwarden.core.session.SessionLimits;
import java.net.InetSocketAddress;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Level;

/** The core's settings: where to listen, how long to wait, how much to take on. */
public final class CoreKeys {

  /**
   * Postfix's largest packet is a 64 KiB body chunk or one header (header_size_limit, 100 KiB by
   * default).
   */
  public static final int MAX_PACKET_SIZE = 1 << 20;

  public static final ConfigKey<List<String>> MILTER =
      ConfigKey.list(
              "milter",
              List.of("inet:127.0.0.1:8895"),
              "Where Postfix's smtpd_milters connect: inet:ADDRESS:PORT or unix:/PATH, one or several.")
          .validatedBy(
              endpoints -> {
                if (endpoints.isEmpty()) {
                  throw new IllegalArgumentException("at least one endpoint is needed");
                }
                endpoints.forEach(Endpoint::parse);
              });

  public static final ConfigKey<List<String>> NON_SMTPD_MILTER =
      ConfigKey.list(
              "non-smtpd-milter",
              List.of("inet:127.0.0.1:8896"),
              "Where Postfix's non_smtpd_milters (sendmail(1), pickup) connect; must differ from milter.")
          .validatedBy(endpoints -> endpoints.forEach(Endpoint::parse));

  public static final ConfigKey<String> METRICS_LISTEN =
      ConfigKey.string(
              "metrics-listen",
              "127.0.0.1:9188",
              "ADDRESS:PORT for /metrics and /health; empty to disable.")
          .validatedBy(CoreKeys::metricsAddress);

  public static final ConfigKey<Integer> MAX_SESSIONS =
      ConfigKey.integer(
          "max-sessions",
          1000,
          1,
          100_000,
          "Connections the milter (smtpd_milters) listeners serve at once; more are closed at once and Postfix applies "
              + "milter_default_action.");

  public static final ConfigKey<Integer> NON_SMTPD_MAX_SESSIONS =
      ConfigKey.integer(
          "non-smtpd-max-sessions",
          100,
          1,
          100_000,
          "The same for the non-smtpd-milter listeners, counted apart so that neither kind starves the other.");

  public static final ConfigKey<Integer> MAX_SESSIONS_PER_PEER =
      ConfigKey.integer(
          "max-sessions-per-peer",
          500,
          1,
          100_000,
          "Connections one peer may hold on one listener kind: per client address on inet listeners, per "
              + "Unix user on unix sockets. Postfix is one peer: keep it above Postfix's process limits.");

  public static final ConfigKey<Duration> NEGOTIATION_TIMEOUT =
      ConfigKey.duration(
              "negotiation-timeout",
              Duration.ofSeconds(5),
              "A connection must complete option negotiation this soon after connecting; Postfix "
                  + "does so at once.")
          .validatedBy(d -> positive(d, "negotiation-timeout"));

  public static final ConfigKey<Duration> FRAME_TIMEOUT =
      ConfigKey.duration(
              "frame-timeout",
              Duration.ofSeconds(5),
              "A milter packet must be complete this soon after its first byte; Postfix writes each "
                  + "one whole.")
          .validatedBy(d -> positive(d, "frame-timeout"));

  public static final ConfigKey<String> MILTER_SOCKET_GROUP =
      ConfigKey.string(
          "milter-socket-group",
          "postfix",
          "Group of unix: listener sockets (milter and lookup tables); Postfix's smtpd and cleanup connect as group postfix. Empty: leave the "
              + "group the socket was created with.");

  public static final ConfigKey<String> MILTER_SOCKET_MODE =
      ConfigKey.string(
              "milter-socket-mode",
              "0660",
              "Permissions of unix: listener sockets (milter and lookup tables), in octal. 0666 lets every local user "
                  + "connect (the old default).")
          .validatedBy(CoreKeys::socketMode);

  public static final ConfigKey<Long> MAX_TRANSACTION_BYTES =
      ConfigKey.size(
          "max-transaction-bytes",
          4L << 20,
          64L << 10,
          1L << 30,
          "Header and recipient bytes one message may keep in memory; beyond it the message is "
              + "tempfailed. Postfix cuts each header at header_size_limit (100 KiB).");

  public static final ConfigKey<Long> TRANSACTION_MEMORY =
      ConfigKey.size(
          "transaction-memory",
          0,
          0,
          1L << 40,
          "Header and recipient bytes all sessions together may keep; a message that needs more is tempfailed. "
              + "0: a quarter of the Java heap (-Xmx).");

  public static final ConfigKey<Duration> SESSION_IDLE_TIMEOUT =
      ConfigKey.duration(
              "session-idle-timeout",
              Duration.ofMinutes(10),
              "A session silent this long is closed. Keep it above Postfix's smtpd_timeout (300s).")
          .validatedBy(d -> positive(d, "session-idle-timeout"));

  public static final ConfigKey<Duration> POLICY_TIMEOUT =
      ConfigKey.duration(
              "policy-timeout",
              Duration.ofSeconds(20),
              "Longest a stage may take before the message is tempfailed. Keep it below milter_command_timeout (30s).")
          .validatedBy(d -> positive(d, "policy-timeout"));

  public static final ConfigKey<Integer> POLICY_THREADS =
      ConfigKey.integer(
          "policy-threads",
          16,
          1,
          1024,
          "Threads that run policy lookups (DNS, /proc), away from network I/O.");

  public static final ConfigKey<Integer> POLICY_QUEUE =
      ConfigKey.integer(
          "policy-queue",
          4096,
          1,
          1_000_000,
          "Stages that may wait for a policy thread; beyond that, messages are tempfailed.");

  public static final ConfigKey<Duration> SHUTDOWN_GRACE =
      ConfigKey.duration(
          "shutdown-grace",
          Duration.ofSeconds(30),
          "On SIGTERM, how long sessions in flight may take to finish.");

  public static final ConfigKey<String> LOG_LEVEL =
      ConfigKey.string("log-level", "info", "One of error, warning, info, debug.")
          .validatedBy(CoreKeys::logLevel);

  public static final ConfigSchema SCHEMA =
      ConfigSchema.of(
          MILTER,
          NON_SMTPD_MILTER,
          METRICS_LISTEN,
          MAX_SESSIONS,
          NON_SMTPD_MAX_SESSIONS,
          MAX_SESSIONS_PER_PEER,
          NEGOTIATION_TIMEOUT,
          FRAME_TIMEOUT,
          MILTER_SOCKET_GROUP,
          MILTER_SOCKET_MODE,
          MAX_TRANSACTION_BYTES,
          TRANSACTION_MEMORY,
          SESSION_IDLE_TIMEOUT,
          POLICY_TIMEOUT,
          POLICY_THREADS,
          POLICY_QUEUE,
          SHUTDOWN_GRACE,
          LOG_LEVEL);

  private CoreKeys() {}

  /** What start-up would refuse in the listeners that no single key's check sees. */
  public static List<String> problems(Config config) {
    try {
      serverSettings(config);
      return List.of();
    } catch (IllegalArgumentException e) {
      return List.of(MILTER.name() + ", " + NON_SMTPD_MILTER.name() + ": " + e.getMessage());
    }
  }

  public static ServerSettings serverSettings(Config config) {
    List<Listener> listeners = new ArrayList<>();
    config
        .get(MILTER)
        .forEach(spec -> listeners.add(new Listener(Endpoint.parse(spec), MailOrigin.SMTPD)));
    config
        .get(NON_SMTPD_MILTER)
        .forEach(spec -> listeners.add(new Listener(Endpoint.parse(spec), MailOrigin.NON_SMTPD)));
    ListenerLimits limits =
        new ListenerLimits(
            config.get(MAX_SESSIONS),
            config.get(NON_SMTPD_MAX_SESSIONS),
            config.get(MAX_SESSIONS_PER_PEER),
            config.get(NEGOTIATION_TIMEOUT),
            config.get(FRAME_TIMEOUT),
            config.get(SESSION_IDLE_TIMEOUT));
    long memory = config.get(TRANSACTION_MEMORY);
    SessionLimits sessionLimits =
        new SessionLimits(
            config.get(MAX_TRANSACTION_BYTES),
            new MemoryBudget(memory > 0 ? memory : Runtime.getRuntime().maxMemory() / 4));
    return new ServerSettings(
        listeners,
        MAX_PACKET_SIZE,
        limits,
        socketAccess(config),
        sessionLimits,
        config.get(SHUTDOWN_GRACE));
  }

  /** Who may connect to unix-socket listeners, milter and lookup tables alike. */
  public static SocketAccess socketAccess(Config config) {
    return new SocketAccess(
        config.get(MILTER_SOCKET_GROUP), socketMode(config.get(MILTER_SOCKET_MODE)));
  }

  /** Octal permissions such as 0660, as chmod(1) takes them; no setuid, setgid or sticky bits. */
  private static Set<PosixFilePermission> socketMode(String octal) {
    if (!octal.matches("0?[0-7]{3}")) {
      throw new IllegalArgumentException(
          "expected octal permissions such as 0660, got \"" + octal + "\"");
    }
    int bits = Integer.parseInt(octal, 8);
    PosixFilePermission[] order = {
      PosixFilePermission.OTHERS_EXECUTE,
      PosixFilePermission.OTHERS_WRITE,
      PosixFilePermission.OTHERS_READ,
      PosixFilePermission.GROUP_EXECUTE,
      PosixFilePermission.GROUP_WRITE,
      PosixFilePermission.GROUP_READ,
      PosixFilePermission.OWNER_EXECUTE,
      PosixFilePermission.OWNER_WRITE,
      PosixFilePermission.OWNER_READ
    };
    Set<PosixFilePermission> mode = EnumSet.noneOf(PosixFilePermission.class);
    for (int bit = 0; bit < order.length; bit++) {
      if ((bits & (1 << bit)) != 0) {
        mode.add(order[bit]);
      }
    }
    return mode;
  }

  public static PolicyWorkers policyWorkers(Config config) {
    return new PolicyWorkers(
        config.get(POLICY_THREADS), config.get(POLICY_QUEUE), config.get(POLICY_TIMEOUT));
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
      default ->
          throw new IllegalArgumentException(
              "expected error, warning, info or debug, got \"" + value + "\"");
    };
  }

  private static void positive(Duration duration, String name) {
    if (duration.isZero() || duration.isNegative()) {
      throw new IllegalArgumentException(name + " must be more than zero");
    }
  }
}
