package io.postwarden.it.bench;

import io.postwarden.it.harness.Ports;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
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

  private final InetSocketAddress smtpd;
  private final InetSocketAddress nonSmtpd;
  private final ExternalDaemon process;

  private PostwardenDaemon(
      InetSocketAddress smtpd, InetSocketAddress nonSmtpd, ExternalDaemon process) {
    this.smtpd = smtpd;
    this.nonSmtpd = nonSmtpd;
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
    Path config =
        dir.write(
            name + ".conf",
            String.join(
                "\n",
                "milter = { \"inet:127.0.0.1:" + smtpd.getPort() + "\" }",
                "non-smtpd-milter = { \"inet:127.0.0.1:" + nonSmtpd.getPort() + "\" }",
                "metrics-listen = \"127.0.0.1:" + Ports.freePort() + "\"",
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
    command.addAll(extraJvmOptions());
    command.addAll(
        List.of(
            "-jar",
            BenchDirectory.repositoryRoot().resolve("deploy/target/postwarden.jar").toString(),
            "run",
            "--config",
            config.toString()));
    return new PostwardenDaemon(
        smtpd, nonSmtpd, ExternalDaemon.start(dir, name, command, smtpd, nonSmtpd));
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
   * profile.
   */
  private static List<String> extraJvmOptions() {
    String extra = System.getProperty("bench.postwarden.jvm", "").trim();
    return extra.isEmpty() ? List.of() : Arrays.asList(extra.split("\\s+"));
  }

  InetSocketAddress smtpdListener() {
    return smtpd;
  }

  String smtpdEndpoint() {
    return "inet:127.0.0.1:" + smtpd.getPort();
  }

  String nonSmtpdEndpoint() {
    return "inet:127.0.0.1:" + nonSmtpd.getPort();
  }

  ExternalDaemon process() {
    return process;
  }

  @Override
  public void close() {
    process.close();
  }
}
