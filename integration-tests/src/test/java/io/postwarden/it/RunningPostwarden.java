package io.postwarden.it;

import io.postwarden.core.CoreKeys;
import io.postwarden.core.config.Config;
import io.postwarden.core.config.ConfigException;
import io.postwarden.deploy.Daemon;
import io.postwarden.deploy.LogSetup;
import io.postwarden.deploy.Modules;
import io.postwarden.deploy.PolicyAssembly;
import io.postwarden.it.harness.Ports;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Postwarden in the test JVM on fixed loopback ports, so Postfix can be pointed at it before it
 * starts and it can be killed and started again on the same ports. As a JUnit extension it runs for
 * the whole test class; register it after the {@code MailStack} ({@code @Order}) when its
 * configuration reads the started stack.
 */
public final class RunningPostwarden implements AutoCloseable, BeforeAllCallback, AfterAllCallback {

  private final int smtpdPort = Ports.freePort();
  private final int nonSmtpdPort = Ports.freePort();
  private Supplier<Path> socketDirectory;
  private final Supplier<String> extraConfig;
  private final Path stateDirectory;
  private final Supplier<PolicyAssembly> policies;
  private Daemon daemon;

  /** The policies the real daemon assembles from {@code extraConfig}. */
  public RunningPostwarden(String extraConfig) {
    this(() -> extraConfig, Modules::policies);
  }

  public RunningPostwarden(String extraConfig, PolicyAssembly policies) {
    this(() -> extraConfig, policies);
  }

  /**
   * {@code extraConfig} is read at each start, e.g. to name the Postfix config directory of a
   * started stack.
   */
  public RunningPostwarden(Supplier<String> extraConfig, PolicyAssembly policies) {
    this(extraConfig, () -> policies);
  }

  /**
   * A new assembly from {@code assemblies} at each start, as a new process would have: a {@link
   * #kill} and {@link #start} is then a restart, and only what the daemon wrote to disk carries
   * over.
   */
  public static RunningPostwarden restartable(
      Supplier<String> extraConfig, Supplier<PolicyAssembly> assemblies) {
    return new RunningPostwarden(extraConfig, assemblies);
  }

  private RunningPostwarden(Supplier<String> extraConfig, Supplier<PolicyAssembly> policies) {
    this.extraConfig = extraConfig;
    this.policies = policies;
    try {
      this.stateDirectory = Files.createTempDirectory("postwarden-it-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Where the audit records go unless the test's config names its own audit-log. */
  public Path auditLog() {
    return stateDirectory.resolve("audit.log");
  }

  /** Where the SRS secret lives unless the test's config names its own secrets-file. */
  public Path secretsFile() {
    return stateDirectory.resolve("srs.secret");
  }

  /**
   * Where the limits' counts outlive a restart unless the test's config names its own state file.
   */
  public Path limitsStateFile() {
    return stateDirectory.resolve("limits.state");
  }

  /**
   * Where the key that signs the audit headers lives unless the test's config names its own
   * audit-key-file.
   */
  public Path auditKeyFile() {
    return stateDirectory.resolve("audit.key");
  }

  /** Where long senders are stored unless the test's config names its own store. */
  public Path srsStoreFile() {
    return stateDirectory.resolve("srs-senders.sqlite");
  }

  /**
   * Where `postwarden limits status|reset` reach this daemon unless the test's config names its own
   * socket.
   */
  public Path controlSocket() {
    return stateDirectory.resolve("limits.sock");
  }

  /**
   * Listens on milter.sock and non-smtpd.sock in {@code directory} (read at each start) instead of
   * loopback ports, as the Debian package does in /var/spool/postfix/postwarden; the directory is
   * created setgid postfix.
   */
  public RunningPostwarden onUnixSockets(Supplier<Path> directory) {
    this.socketDirectory = directory;
    return this;
  }

  public String smtpdEndpoint() {
    return socketDirectory == null
        ? "inet:127.0.0.1:" + smtpdPort
        : "unix:" + socketDirectory.get().resolve("milter.sock");
  }

  public String nonSmtpdEndpoint() {
    return socketDirectory == null
        ? "inet:127.0.0.1:" + nonSmtpdPort
        : "unix:" + socketDirectory.get().resolve("non-smtpd.sock");
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    start();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    close();
  }

  /** Starts the daemon unless it is running already. */
  public synchronized RunningPostwarden start() {
    if (daemon != null) {
      return this;
    }
    Config config;
    String extra = extraConfig.get();
    try {
      config =
          Config.parse(
              "milter = \""
                  + smtpdEndpoint()
                  + "\"\nnon-smtpd-milter = \""
                  + nonSmtpdEndpoint()
                  + "\"\nmetrics-listen = \"127.0.0.1:0\"\nshutdown-grace = 2s\n"
                  + (extra.contains("secrets-file")
                      ? ""
                      : "secrets-file = \"" + secretsFile() + "\"\n")
                  + (extra.contains("audit-key-file")
                      ? ""
                      : "audit-key-file = \"" + auditKeyFile() + "\"\n")
                  + (extra.contains("audit-log") ? "" : "audit-log = \"" + auditLog() + "\"\n")
                  + (extra.contains("limits-control-socket")
                      ? ""
                      : "limits-control-socket = \"" + controlSocket() + "\"\n")
                  + (extra.contains("limits-state-file")
                      ? ""
                      : "limits-state-file = \"" + limitsStateFile() + "\"\n")
                  + (extra.contains("srs-store-file")
                      ? ""
                      : "srs-store-file = \"" + srsStoreFile() + "\"\n")
                  + extra,
              "test config",
              Modules.schema());
    } catch (ConfigException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    LogSetup.configure(CoreKeys.logLevel(config));
    try {
      if (socketDirectory != null) {
        Process install =
            new ProcessBuilder(
                    "install",
                    "-d",
                    "-m",
                    "2750",
                    "-g",
                    "postfix",
                    socketDirectory.get().toString())
                .inheritIO()
                .start();
        if (install.waitFor() != 0) {
          throw new IllegalStateException("cannot create " + socketDirectory.get());
        }
      }
      daemon = Daemon.start(config, policies.get());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
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
