package io.postwarden.it.bench;

import io.postwarden.it.harness.Ports;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Postwarden as it runs in production: the built {@code deploy/target/postwarden.jar} in its own
 * JVM, with the JVM options the Debian package's launcher uses, every policy on (guard, audit tags
 * and log, SRS, From: repair) and the log level of a fresh install. Runs as root here, which gives
 * the process lookup what the systemd unit's two capabilities give it.
 */
final class PostwardenDaemon implements AutoCloseable {

  /**
   * The launcher's default: {@code ${POSTWARDEN_JAVA_OPTS-OPTIONS}}, used unless that variable is
   * set.
   */
  private static final Pattern LAUNCHER_OPTIONS =
      Pattern.compile("\\$\\{POSTWARDEN_JAVA_OPTS-([^}]*)}");

  /** How Postfix names the listeners in main.cf, and the TCP one the milter-level bench drives. */
  private final String smtpdEndpoint;

  private final String nonSmtpdEndpoint;
  private final SocketAddress smtpd;
  private final ExternalDaemon process;

  private PostwardenDaemon(
      String smtpdEndpoint, String nonSmtpdEndpoint, SocketAddress smtpd, ExternalDaemon process) {
    this.smtpdEndpoint = smtpdEndpoint;
    this.nonSmtpdEndpoint = nonSmtpdEndpoint;
    this.smtpd = smtpd;
    this.process = process;
  }

  /**
   * Starts one instance named {@code name}; {@code policySettings} are configuration lines added to
   * the bench's common ones (SRS domain, our domains, the Postfix configuration to route recipients
   * by).
   */
  static PostwardenDaemon start(
      BenchDirectory dir, String name, Path postfixConfigDir, String policySettings) {
    InetSocketAddress smtpd = new InetSocketAddress(Ports.V4, Ports.freePort());
    InetSocketAddress nonSmtpd = new InetSocketAddress(Ports.V4, Ports.freePort());
    return start(
        dir,
        jar(),
        name,
        postfixConfigDir,
        policySettings,
        "inet:127.0.0.1:" + smtpd.getPort(),
        "inet:127.0.0.1:" + nonSmtpd.getPort(),
        smtpd);
  }

  /**
   * As the package listens: unix sockets in {@code queueDirectory}/postwarden (which must exist),
   * named in main.cf relative to the queue directory. {@code socket} names them: short, as the
   * scratch directory's path leaves little of the 107 octets a socket path may have.
   */
  static PostwardenDaemon onUnixSockets(
      BenchDirectory dir,
      String name,
      String socket,
      Path postfixConfigDir,
      String policySettings,
      Path queueDirectory) {
    return onUnixSockets(
        dir, jar(), name, socket, postfixConfigDir, policySettings, queueDirectory);
  }

  /**
   * As {@link #onUnixSockets(BenchDirectory, String, String, Path, String, Path)}, from {@code
   * jar}.
   */
  static PostwardenDaemon onUnixSockets(
      BenchDirectory dir,
      Path jar,
      String name,
      String socket,
      Path postfixConfigDir,
      String policySettings,
      Path queueDirectory) {
    String smtpd = "postwarden/" + socket + ".sock";
    String nonSmtpd = "postwarden/" + socket + "-ns.sock";
    PostwardenDaemon daemon =
        start(
            dir,
            jar,
            name,
            postfixConfigDir,
            policySettings,
            "unix:" + queueDirectory.resolve(smtpd),
            "unix:" + queueDirectory.resolve(nonSmtpd),
            null);
    return new PostwardenDaemon(
        "unix:" + smtpd,
        "unix:" + nonSmtpd,
        UnixDomainSocketAddress.of(queueDirectory.resolve(smtpd)),
        daemon.process);
  }

  private static PostwardenDaemon start(
      BenchDirectory dir,
      Path jar,
      String name,
      Path postfixConfigDir,
      String policySettings,
      String smtpdEndpoint,
      String nonSmtpdEndpoint,
      InetSocketAddress smtpd) {
    // the metrics endpoint is bound last: when it answers, every listener is up
    InetSocketAddress metrics = new InetSocketAddress(Ports.V4, Ports.freePort());
    Path config =
        dir.write(
            name + ".conf",
            String.join(
                "\n",
                "milter = { \"" + smtpdEndpoint + "\" }",
                "non-smtpd-milter = { \"" + nonSmtpdEndpoint + "\" }",
                "metrics-listen = \"127.0.0.1:" + metrics.getPort() + "\"",
                "limits-control-socket = \"\"",
                "limits-state-file = \"\"",
                "secrets-file = \"" + dir.file(name + ".secret") + "\"",
                "audit-key-file = \"" + dir.file(name + ".audit.key") + "\"",
                "audit-log = \"" + dir.file(name + ".audit.log") + "\"",
                "srs-domain = \"srs.test.example\"",
                "domains = { \"test.example\" }",
                "postfix-config-dir = \"" + postfixConfigDir + "\"",
                // the limits count every message but are never reached: their cost is measured, no
                // message deferred
                "limits-unix = { \"recipients 999999999/1d\" }",
                "limits-domain = { \"recipients 999999999/1d\" }",
                "limits-client = { \"recipients 999999999/1d\" }",
                "limits-server = { \"recipients 999999999/1d\" }",
                // every emulated session comes from 127.0.0.1: --sessions 500 and the ones still
                // closing exceed the default
                "max-sessions-per-peer = 2000",
                policySettings,
                ""));
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(packageJvmOptions());
    command.addAll(extraJvmOptions(name));
    command.addAll(List.of("-jar", jar.toString(), "run", "--config", config.toString()));
    return new PostwardenDaemon(
        smtpdEndpoint, nonSmtpdEndpoint, smtpd, ExternalDaemon.start(dir, name, command, metrics));
  }

  /** The build to run: deploy/target/postwarden.jar, or {@code scripts/bench --postwarden-jar}. */
  static Path jar() {
    String chosen = System.getProperty("bench.postwarden.jar", "");
    return chosen.isEmpty()
        ? BenchDirectory.repositoryRoot().resolve("deploy/target/postwarden.jar")
        : Path.of(chosen);
  }

  /**
   * The JVM options of the Debian package's launcher, read from it so the bench follows any change
   * there.
   */
  static List<String> packageJvmOptions() {
    Path launcher = BenchDirectory.repositoryRoot().resolve("deploy/debian/postwarden");
    try {
      Matcher defaults = LAUNCHER_OPTIONS.matcher(Files.readString(launcher));
      if (!defaults.find()) {
        throw new IllegalStateException(
            launcher + " no longer has ${POSTWARDEN_JAVA_OPTS-...}: update the bench");
      }
      return Arrays.asList(defaults.group(1).trim().split("\\s+"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * {@code scripts/bench --postwarden-jvm "OPTIONS"}: added after the package's, e.g. to record a
   * profile; {name} stands for the daemon's name, so each writes its own recording.
   */
  private static List<String> extraJvmOptions(String name) {
    String extra = System.getProperty("bench.postwarden.jvm", "").trim().replace("{name}", name);
    return extra.isEmpty() ? List.of() : Arrays.asList(extra.split("\\s+"));
  }

  /** The smtpd listener: a TCP address, or a unix socket's. */
  SocketAddress smtpdListener() {
    return smtpd;
  }

  String smtpdEndpoint() {
    return smtpdEndpoint;
  }

  String nonSmtpdEndpoint() {
    return nonSmtpdEndpoint;
  }

  ExternalDaemon process() {
    return process;
  }

  @Override
  public void close() {
    process.close();
  }
}
