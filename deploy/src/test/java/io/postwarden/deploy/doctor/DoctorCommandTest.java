package io.postwarden.deploy.doctor;

import static org.junit.jupiter.api.Assertions.*;

import io.postwarden.core.config.Config;
import io.postwarden.deploy.Daemon;
import io.postwarden.deploy.Main;
import io.postwarden.deploy.Modules;
import io.postwarden.deploy.postfix.ScratchPostfix;
import io.postwarden.srs.spf.Dnsmasq;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code postwarden doctor} end to end: a running Postwarden listener, a scratch Postfix
 * configuration read by the real postconf, and a real DNS server (dnsmasq) serving {@link
 * TestZone}. Each test breaks one thing.
 */
class DoctorCommandTest {

  @TempDir static Path shared;

  private static Dnsmasq dnsmasq;

  @TempDir Path dir;

  private Daemon daemon;
  private String smtpdEndpoint;
  private String nonSmtpdEndpoint;
  private ScratchPostfix postfix;
  private Path configFile;
  private Path secrets;

  @BeforeAll
  static void startDns() throws Exception {
    dnsmasq = Dnsmasq.start(shared, TestZone.RECORDS);
  }

  @AfterAll
  static void stopDns() throws Exception {
    if (dnsmasq != null) {
      dnsmasq.close();
    }
  }

  /**
   * A good setup: listener up on the ports the config names, Postfix pointing at them, secrets
   * private.
   */
  @BeforeEach
  void goodSetup() throws Exception {
    Config ephemeral =
        Config.parse(
            "milter = { \"inet:127.0.0.1:0\" }\nnon-smtpd-milter = { \"inet:127.0.0.1:0\" }\n"
                + "metrics-listen = \"\"\nlimits-control-socket = \"\"\nlimits-state-file = \"\"\n",
            "test",
            Modules.schema());
    daemon = Daemon.start(ephemeral, (c, r) -> List.of());
    smtpdEndpoint =
        "inet:127.0.0.1:" + ((InetSocketAddress) daemon.milterAddresses().get(0)).getPort();
    nonSmtpdEndpoint =
        "inet:127.0.0.1:" + ((InetSocketAddress) daemon.milterAddresses().get(1)).getPort();

    secrets = dir.resolve("srs.secret");
    Files.writeString(secrets, "c2VjcmV0LW9uZQ\n");
    Files.setPosixFilePermissions(secrets, PosixFilePermissions.fromString("rw-------"));

    postfix = ScratchPostfix.create(Files.createDirectories(dir.resolve("postfix")));
    postfix.set(
        "smtpd_milters = " + smtpdEndpoint,
        "non_smtpd_milters = " + nonSmtpdEndpoint,
        "milter_default_action = tempfail",
        "myhostname = " + TestZone.MYHOSTNAME);
    writeConfig("");
  }

  @AfterEach
  void stopListener() {
    daemon.close();
  }

  private void writeConfig(String extra) throws Exception {
    writeConfig("srs.test.example", extra);
  }

  private void writeConfig(String srsDomain, String extra) throws Exception {
    configFile = dir.resolve("postwarden.conf");
    Files.writeString(
        configFile,
        "milter = { \""
            + smtpdEndpoint
            + "\" }\n"
            + "non-smtpd-milter = { \""
            + nonSmtpdEndpoint
            + "\" }\n"
            + "srs-domain = \""
            + srsDomain
            + "\"\n"
            + "secrets-file = \""
            + secrets
            + "\"\n"
            + "postfix-config-dir = \""
            + postfix.dir()
            + "\"\n"
            + "metrics-listen = \"\"\nlimits-control-socket = \"\"\nlimits-state-file = \"\"\n"
            + extra);
  }

  private record Report(int status, List<String> lines) {

    List<String> with(String severity) {
      return lines.stream().filter(line -> line.startsWith(severity + " ")).toList();
    }

    boolean has(String severity, String topic, String text) {
      return with(severity).stream()
          .anyMatch(
              line ->
                  line.startsWith(String.format("%-4s %s:", severity, topic))
                      && line.contains(text));
    }

    @Override
    public String toString() {
      return "exit " + status + "\n" + String.join("\n", lines);
    }
  }

  private Report doctor(String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--config",
                configFile.toString(),
                "--dns-server",
                dnsmasq.server(),
                "--address",
                TestZone.HERE));
    args.addAll(List.of(extra));
    return run(args);
  }

  private Report run(List<String> doctorArgs) {
    List<String> args = new ArrayList<>(List.of("doctor"));
    args.addAll(doctorArgs);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new Main());
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int status = cli.execute(args.toArray(String[]::new));
    assertEquals("", err.toString(), "doctor reports on stdout only");
    return new Report(status, out.toString().lines().toList());
  }

  /**
   * Restarts Postwarden on unix sockets in the scratch queue directory, as the Debian package sets
   * it up.
   */
  private void listenOnUnixSockets(String extraConfig) throws Exception {
    Path sockets = Files.createDirectories(postfix.dir().resolve("queue/postwarden"));
    daemon.close();
    String config =
        "milter = { \"unix:"
            + sockets.resolve("milter.sock")
            + "\" }\nnon-smtpd-milter = { \"unix:"
            + sockets.resolve("non-smtpd.sock")
            + "\" }\nmetrics-listen = \"\"\nlimits-control-socket = \"\"\nlimits-state-file = \"\"\n"
            + extraConfig;
    daemon = Daemon.start(Config.parse(config, "test", Modules.schema()), (c, r) -> List.of());
    smtpdEndpoint = "unix:" + sockets.resolve("milter.sock");
    nonSmtpdEndpoint = "unix:" + sockets.resolve("non-smtpd.sock");
    writeConfig(extraConfig);
    postfix.set(
        "smtpd_milters = unix:postwarden/milter.sock",
        "non_smtpd_milters = unix:postwarden/non-smtpd.sock");
  }

  @Test
  void goodSetupIsAllOk() throws Exception {
    listenOnUnixSockets("");
    Report report = doctor();
    assertEquals(0, report.status(), report.toString());
    assertEquals(List.of(), report.with("WARN"), report.toString());
    assertEquals(List.of(), report.with("FAIL"), report.toString());
    assertTrue(report.has("OK", "config", "loads"), report.toString());
    assertTrue(report.has("OK", "secrets", "1 secret, mode 0600"), report.toString());
    assertTrue(
        report.has(
            "OK",
            "milter",
            smtpdEndpoint
                + " (milter, for Postfix's smtpd_milters) answers the "
                + "milter handshake (protocol version 6)"),
        report.toString());
    assertTrue(
        report.has(
            "OK",
            "milter",
            smtpdEndpoint
                + " (milter, for Postfix's smtpd_milters): only its owner "
                + "and group can connect (root:postfix rw-rw----)"),
        report.toString());
    assertTrue(
        report.has("OK", "milter", nonSmtpdEndpoint + " (non-smtpd-milter"), report.toString());
    assertTrue(
        report.has(
            "OK", "postfix", "smtpd_milters reaches Postwarden at unix:postwarden/milter.sock"),
        report.toString());
    assertTrue(
        report.has(
            "OK",
            "postfix",
            "non_smtpd_milters reaches Postwarden at unix:postwarden/non-smtpd.sock"),
        report.toString());
    assertTrue(report.has("OK", "postfix", "milter_default_action = tempfail"), report.toString());
    assertTrue(
        report.has("OK", "postfix", "policy-timeout (20s) is below milter_command_timeout"),
        report.toString());
    assertTrue(
        report.has("OK", "dns", "MX mx.test.example (preference 10) -> 127.0.0.1 is this server"),
        report.toString());
    assertTrue(
        report.has("OK", "dns", "lets this server send: pass for 127.0.0.1"), report.toString());
    assertEquals("doctor: 14 OK, 0 WARN, 0 FAIL", report.lines().get(report.lines().size() - 1));
  }

  @Test
  void inetListenersWarnThatEveryLocalUserCanReachThem() {
    Report report = doctor();
    assertEquals(0, report.status(), report.toString());
    assertTrue(
        report.has(
            "WARN",
            "milter",
            smtpdEndpoint
                + " (milter, for Postfix's smtpd_milters): every local "
                + "user can connect to an inet: listener"),
        report.toString());
    assertTrue(
        report.has(
            "WARN", "milter", "milter = { \"unix:/var/spool/postfix/postwarden/milter.sock\" }"),
        report.toString());
    assertEquals(2, report.with("WARN").size(), report.toString());
  }

  @Test
  void aSocketEveryoneMayUseWarnsAndOnePostfixCannotUseFails() throws Exception {
    listenOnUnixSockets("milter-socket-mode = \"0666\"\n");
    Report open = doctor();
    assertEquals(0, open.status(), open.toString());
    assertTrue(
        open.has("WARN", "milter", "every local user can connect (root:postfix rw-rw-rw-)"),
        open.toString());
    assertTrue(open.has("WARN", "milter", "milter-socket-mode = \"0660\""), open.toString());

    listenOnUnixSockets("milter-socket-group = \"nogroup\"\n");
    writeConfig(
        ""); // the file says Postfix connects as group postfix; the running daemon gave the sockets
    // nogroup
    Report closed = doctor();
    assertEquals(1, closed.status(), closed.toString());
    assertTrue(
        closed.has(
            "FAIL",
            "milter",
            smtpdEndpoint
                + " (milter, for Postfix's smtpd_milters): Postfix (group "
                + "postfix) cannot connect: the socket is root:nogroup rw-rw----"),
        closed.toString());
  }

  @Test
  void milterDownFails() {
    daemon.close();
    Report report = doctor();
    assertEquals(1, report.status(), report.toString());
    assertTrue(
        report.has(
            "FAIL",
            "milter",
            smtpdEndpoint
                + " (milter, for Postfix's smtpd_milters): nothing "
                + "accepts connections there"),
        report.toString());
    assertTrue(report.has("FAIL", "milter", "Is Postwarden running?"), report.toString());
    assertEquals(2, report.with("FAIL").size(), report.toString());
  }

  @Test
  void postfixPointingElsewhereFails() throws Exception {
    postfix.set("smtpd_milters = inet:127.0.0.1:1, inet:127.0.0.1:2");
    Report report = doctor();
    assertEquals(1, report.status(), report.toString());
    assertTrue(
        report.has(
            "FAIL",
            "postfix",
            "smtpd_milters = inet:127.0.0.1:1, inet:127.0.0.1:2 does not reach "
                + "Postwarden's milter listener "
                + smtpdEndpoint),
        report.toString());
    assertTrue(
        report.has(
            "FAIL",
            "postfix",
            "-e 'smtpd_milters = "
                + smtpdEndpoint
                + ", inet:127.0.0.1:1, inet:127.0.0.1:2' && postfix reload"),
        report.toString());
  }

  @Test
  void swappedListenersFail() throws Exception {
    postfix.set("smtpd_milters = " + nonSmtpdEndpoint, "non_smtpd_milters = " + smtpdEndpoint);
    Report report = doctor();
    assertEquals(1, report.status(), report.toString());
    assertTrue(
        report.has(
            "FAIL",
            "postfix",
            "SMTP clients would pass as local sendmail(1) submissions and skip " + "the guard"),
        report.toString());
    assertTrue(report.has("FAIL", "postfix", "refused by the guard"), report.toString());
  }

  @Test
  void unixSocketInsideTheChrootIsNamedRelativeToTheQueueDirectory() throws Exception {
    // Debian's master.cf runs smtpd and cleanup chrooted in queue_directory: main.cf names the
    // socket relative to it
    Path socket =
        Files.createDirectories(postfix.dir().resolve("queue/postwarden")).resolve("milter.sock");
    daemon.close();
    daemon =
        Daemon.start(
            Config.parse(
                "milter = { \"inet:127.0.0.1:0\" }\nnon-smtpd-milter = { \"unix:"
                    + socket
                    + "\" }\nmetrics-listen = \"\"\nlimits-control-socket = \"\"\nlimits-state-file = \"\"\n",
                "test",
                Modules.schema()),
            (c, r) -> List.of());
    smtpdEndpoint =
        "inet:127.0.0.1:" + ((InetSocketAddress) daemon.milterAddresses().get(0)).getPort();
    nonSmtpdEndpoint = "unix:" + socket;
    writeConfig("");
    postfix.set(
        "smtpd_milters = " + smtpdEndpoint, "non_smtpd_milters = unix:postwarden/milter.sock");
    Report relative = doctor();
    assertEquals(0, relative.status(), relative.toString());
    assertTrue(
        relative.has(
            "OK",
            "milter",
            nonSmtpdEndpoint
                + " (non-smtpd-milter, for Postfix's non_smtpd_milters) "
                + "answers the milter handshake"),
        relative.toString());
    assertTrue(
        relative.has(
            "OK", "postfix", "non_smtpd_milters reaches Postwarden at unix:postwarden/milter.sock"),
        relative.toString());

    // the absolute path would be looked up inside the chroot, at queue_directory + path
    postfix.set("non_smtpd_milters = " + nonSmtpdEndpoint);
    Report absolute = doctor();
    assertEquals(1, absolute.status(), absolute.toString());
    assertTrue(absolute.has("FAIL", "postfix", "runs chrooted there"), absolute.toString());
    assertTrue(
        absolute.has("FAIL", "postfix", "-e 'non_smtpd_milters = unix:postwarden/milter.sock'"),
        absolute.toString());
  }

  @Test
  void defaultActionAcceptFailsAndRejectWarns() throws Exception {
    postfix.set("milter_default_action = accept");
    Report accept = doctor();
    assertEquals(1, accept.status(), accept.toString());
    assertTrue(
        accept.has(
            "FAIL",
            "postfix",
            "milter_default_action = accept: while Postwarden is down or "
                + "overloaded, mail passes unchecked"),
        accept.toString());
    assertTrue(
        accept.has("FAIL", "postfix", "-e 'milter_default_action = tempfail'"), accept.toString());

    postfix.set("milter_default_action = reject");
    Report reject = doctor();
    assertEquals(0, reject.status(), reject.toString());
    assertTrue(reject.has("WARN", "postfix", "milter_default_action = reject"), reject.toString());
  }

  @Test
  void forwardCleanupWithoutItsMasterCfServiceFailsAndWithItIsOk() throws Exception {
    writeConfig("srs-forward-cleanup = true\n");
    Report missing = doctor();
    assertEquals(1, missing.status(), missing.toString());
    assertTrue(
        missing.has("FAIL", "forwarding", "local(8) hands the copies it forwards to cleanup"),
        missing.toString());

    postfix.appendMasterCf(
        Files.readString(Path.of("..", "deploy", "postfix", "master.cf-forward-cleanup.snippet")));
    Report serviceOnly = doctor();
    assertTrue(
        serviceOnly.has("FAIL", "forwarding", "postconf -P local/unix/cleanup_service_name"),
        serviceOnly.toString());

    postconf("-P", "local/unix/cleanup_service_name=postwarden-forward");
    Report wired = doctor();
    assertTrue(
        wired.has("OK", "forwarding", "local(8) forwards through postwarden-forward"),
        wired.toString());
    assertFalse(
        wired.lines().stream()
            .anyMatch(line -> line.contains("forwarding:") && line.startsWith("FAIL")),
        wired.toString());

    postconf("-P", "local/unix/cleanup_service_name=nowhere");
    assertTrue(
        doctor().has("FAIL", "forwarding", "nowhere, which master.cf does not define"),
        "a service name master.cf lacks");
  }

  private void postconf(String... arguments) throws Exception {
    List<String> command = new ArrayList<>(List.of("postconf", "-c", postfix.dir().toString()));
    command.addAll(List.of(arguments));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    assertEquals(0, process.waitFor(), output);
  }

  @Test
  void perMilterAcceptOverrideFails() throws Exception {
    postfix.set("smtpd_milters = { " + smtpdEndpoint + ", default_action=accept }");
    Report report = doctor();
    assertEquals(1, report.status(), report.toString());
    assertTrue(
        report.has("FAIL", "postfix", "smtpd_milters sets default_action=accept"),
        report.toString());
  }

  @Test
  void worldReadableSecretsWarn() throws Exception {
    Files.setPosixFilePermissions(secrets, PosixFilePermissions.fromString("rw-r--r--"));
    Report report = doctor();
    assertEquals(0, report.status(), report.toString());
    assertTrue(
        report.has("WARN", "secrets", "is readable by every user (mode 0644)"), report.toString());
    assertTrue(report.has("WARN", "secrets", "chmod 600 " + secrets), report.toString());
  }

  @Test
  void groupReadableSecretsWarn() throws Exception {
    Files.setPosixFilePermissions(secrets, PosixFilePermissions.fromString("rw-r-----"));
    Report report = doctor();
    assertTrue(report.has("WARN", "secrets", "is readable by group"), report.toString());
  }

  @Test
  void secretsFileWithoutSecretFails() throws Exception {
    Files.writeString(secrets, "\n\n");
    Report report = doctor();
    assertEquals(1, report.status(), report.toString());
    assertTrue(report.has("FAIL", "secrets", "contains no secret"), report.toString());
  }

  @Test
  void missingMxFailsWithTheFix() throws Exception {
    writeConfig("nomx.test.example", "");
    Report report = doctor();
    assertEquals(1, report.status(), report.toString());
    assertTrue(
        report.has("FAIL", "dns", "SRS domain nomx.test.example has no MX record"),
        report.toString());
    assertTrue(
        report.has("FAIL", "dns", "Add: nomx.test.example. IN MX 10 mx.test.example."),
        report.toString());
  }

  @Test
  void mxElsewhereFailsAndSpfWarns() throws Exception {
    writeConfig("elsewhere.test.example", "");
    Report report = doctor();
    assertEquals(1, report.status(), report.toString());
    assertTrue(
        report.has("FAIL", "dns", "no MX of SRS domain elsewhere.test.example is this server"),
        report.toString());
    assertTrue(report.has("WARN", "dns", "does not let this server send"), report.toString());
  }

  @Test
  void noSpfWarns() throws Exception {
    writeConfig("nospf.test.example", "");
    Report report = doctor();
    assertEquals(0, report.status(), report.toString());
    assertTrue(
        report.has("WARN", "dns", "SRS domain nospf.test.example has no SPF record"),
        report.toString());
  }

  @Test
  void everyTenantSrsDomainGetsItsMxAndSpfChecked() throws Exception {
    writeConfig("srs.test.example", "srs-domain-map = { \"shop.example=nospf.test.example\" }\n");
    Report report = doctor();
    assertEquals(0, report.status(), report.toString());
    assertTrue(report.has("OK", "dns", "SPF of SRS domain srs.test.example"), report.toString());
    assertEquals(
        2,
        report.with("OK").stream()
            .filter(line -> line.contains("127.0.0.1 is this server"))
            .count(),
        report.toString());
    assertTrue(
        report.has("WARN", "dns", "SRS domain nospf.test.example has no SPF record"),
        report.toString());
  }

  @Test
  void shortSrsHashesWarnWithTheMigrationWindow() throws Exception {
    writeConfig("hash-length = 8\nhash-minimum = 4\n");
    Report report = doctor("--skip-dns");
    assertEquals(0, report.status(), report.toString());
    assertTrue(
        report.has(
            "WARN",
            "srs",
            "hash-minimum = 4: a bounce address with 4 hash characters verifies, "
                + "and about one guess in 2,085,136 is right"),
        report.toString());
    assertTrue(report.has("WARN", "srs", "then set hash-minimum = 8"), report.toString());
    assertFalse(report.has("WARN", "srs", "hash-length"), report.toString());

    writeConfig("");
    assertTrue(
        doctor("--skip-dns")
            .has("OK", "srs", "SRS hashes: 8 characters written, at least 8 required"));
  }

  @Test
  void skipDnsAsksNoDnsServer() {
    // a DNS server that would answer nothing: not asked at all
    Report report =
        run(
            List.of(
                "--config", configFile.toString(), "--skip-dns", "--dns-server", "127.0.0.1:9"));
    assertEquals(0, report.status(), report.toString());
    assertTrue(report.has("SKIP", "dns", "not checked (--skip-dns)"), report.toString());
  }

  @Test
  void policyTimeoutAboveMilterCommandTimeoutWarns() throws Exception {
    writeConfig("policy-timeout = 40s\n");
    Report report = doctor();
    assertTrue(
        report.has(
            "WARN",
            "postfix",
            "milter_command_timeout (30s) not above Postwarden's policy-timeout " + "(40s)"),
        report.toString());
  }

  @Test
  void unreadablePostfixConfigurationFails() {
    Report report = doctor("--postfix-config", dir.resolve("no-such-dir").toString());
    assertEquals(1, report.status(), report.toString());
    assertTrue(
        report.has(
            "FAIL",
            "postfix",
            "cannot read the Postfix configuration in " + dir.resolve("no-such-dir")),
        report.toString());
  }

  @Test
  void brokenConfigurationStopsTheCheckup() throws Exception {
    writeConfig("hash-length = abc\n");
    Report report = doctor();
    assertEquals(1, report.status(), report.toString());
    assertTrue(report.has("FAIL", "config", "hash-length"), report.toString());
    assertTrue(report.has("FAIL", "config", "nothing else was checked"), report.toString());
    assertTrue(
        report.lines().stream().noneMatch(line -> line.contains("milter:")), report.toString());
  }
}
