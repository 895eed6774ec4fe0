package io.postwarden.it.asdeployed;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.postwarden.it.audit.AuditRecordsFile;
import io.postwarden.it.harness.Exec;
import io.postwarden.it.harness.PostfixSnippets;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The Debian package as scripts/test-package installed and started it: the daemon runs the unit's
 * ExecStart as the unit's user, and the test knows it only by the pid and output file the script
 * passes ({@value #PID_PROPERTY}, {@value #LOG_PROPERTY}). Everything else is the installed files:
 * the configuration file, the unit's ExecReload, the Postfix examples, the audit log and the
 * metrics endpoint the packaged configuration names.
 *
 * <p>The administrator's steps (README "Install on a mail server") are methods here: edit
 * postwarden.conf, {@code postwarden config check}, reload. The original file is put back after the
 * class, and the daemon reloaded again.
 */
final class InstalledPostwarden implements BeforeAllCallback, AfterAllCallback {

  static final String PID_PROPERTY = "postwarden.installed.pid";
  static final String LOG_PROPERTY = "postwarden.installed.log";

  static final Path CONFIG = Path.of("/etc/postwarden/postwarden.conf");
  static final Path UNIT = Path.of("/lib/systemd/system/postwarden.service");
  static final Path AUDIT_LOG = Path.of("/var/log/postwarden/audit.log");

  /** Where the packaged configuration puts the milter sockets: Postfix's queue directory. */
  static final Path SOCKET_DIR = Path.of("/var/spool/postfix/postwarden");

  /** README: "also installed in /usr/share/doc/postwarden/examples/postfix/". */
  static final PostfixSnippets SNIPPETS =
      new PostfixSnippets(Path.of("/usr/share/doc/postwarden/examples/postfix"));

  /** metrics-listen of the packaged configuration. */
  static final URI METRICS = URI.create("http://127.0.0.1:9188/metrics");

  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String RELOADED = "reloaded configuration";

  private long pid;
  private Path daemonLog;
  private String originalConfig;

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    pid = Long.parseLong(System.getProperty(PID_PROPERTY));
    daemonLog = Path.of(System.getProperty(LOG_PROPERTY, ""));
    assertTrue(
        ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false),
        "no installed daemon running as pid " + pid);
    assertTrue(Files.isRegularFile(daemonLog), "no daemon output at " + daemonLog);
    originalConfig = Files.readString(CONFIG);
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    if (originalConfig != null && !originalConfig.equals(Files.readString(CONFIG))) {
      Files.writeString(CONFIG, originalConfig);
      reload();
    }
  }

  /**
   * Sets each setting in postwarden.conf as an administrator edits the file: the line {@code KEY =
   * ...} that the annotated file has for every setting becomes {@code KEY = VALUE}.
   */
  void configure(Map<String, String> settings) throws IOException {
    String text = Files.readString(CONFIG);
    for (Map.Entry<String, String> setting : settings.entrySet()) {
      Matcher line =
          Pattern.compile("^" + Pattern.quote(setting.getKey()) + " = .*$", Pattern.MULTILINE)
              .matcher(text);
      assertTrue(line.find(), CONFIG + " has no line for " + setting.getKey());
      text =
          line.replaceFirst(
              Matcher.quoteReplacement(setting.getKey() + " = " + setting.getValue()));
    }
    Files.writeString(CONFIG, text);
  }

  /** {@code postwarden config check /etc/postwarden/postwarden.conf}, as the README runs it. */
  void checkConfig() {
    Exec.run(List.of("postwarden", "config", "check", CONFIG.toString())).check();
  }

  /**
   * The unit's ExecReload with systemd's {@code $MAINPID}, then waits for the daemon to log that it
   * reloaded (a refused file fails the test).
   */
  void reload() throws Exception {
    String execReload =
        Files.readAllLines(UNIT).stream()
            .filter(line -> line.startsWith("ExecReload="))
            .reduce((first, last) -> last)
            .orElseThrow(() -> new AssertionError(UNIT + " has no ExecReload"))
            .substring("ExecReload=".length());
    long reloadsBefore = occurrences(RELOADED);
    Exec.run(List.of(execReload.replace("$MAINPID", Long.toString(pid)).split(" "))).check();
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (occurrences(RELOADED) == reloadsBefore) {
      String output = Files.readString(daemonLog);
      if (output.contains("reload refused") || System.nanoTime() > deadline) {
        fail("the daemon did not reload:\n" + output);
      }
      Thread.sleep(20);
    }
  }

  /** The first line of the installed audit log that matches, waiting for it a little. */
  String awaitAuditRecord(Predicate<String> match) throws Exception {
    return AuditRecordsFile.awaitRecord(AUDIT_LOG, match, WAIT);
  }

  /**
   * A sample's value from the metrics endpoint, e.g. {@code metric("postwarden_srs_refusals_total",
   * "reason", "bad_hash")}: the series with these labels (and maybe others); 0 when there is none.
   */
  double metric(String name, String... labels) throws Exception {
    String exposition =
        HttpClient.newHttpClient()
            .send(HttpRequest.newBuilder(METRICS).build(), HttpResponse.BodyHandlers.ofString())
            .body();
    for (String line : exposition.split("\n")) {
      if (!line.startsWith(name + "{") && !line.startsWith(name + " ")) {
        continue;
      }
      String series = line.substring(0, line.lastIndexOf(' '));
      boolean matches = true;
      for (int i = 0; i < labels.length; i += 2) {
        matches &= series.contains(labels[i] + "=\"" + labels[i + 1] + "\"");
      }
      if (matches) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return 0;
  }

  private long occurrences(String text) throws IOException {
    return Files.readString(daemonLog).split(Pattern.quote(text), -1).length - 1;
  }
}
