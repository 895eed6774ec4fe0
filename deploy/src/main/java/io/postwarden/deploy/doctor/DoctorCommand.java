package io.postwarden.deploy.doctor;

import io.postwarden.core.CoreKeys;
import io.postwarden.core.config.Config;
import io.postwarden.core.config.ConfigException;
import io.postwarden.core.postfix.PostfixCommands;
import io.postwarden.deploy.Modules;
import io.postwarden.srs.SrsModule;
import io.postwarden.srs.policy.SrsKeys;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code postwarden doctor}: what an admin runs after installing, and whenever mail misbehaves. */
@Command(
    name = "doctor",
    sortOptions = false,
    mixinStandardHelpOptions = true,
    description = {
      "Check a live setup: the configuration, the SRS secrets file, the milter listeners (a real "
          + "milter handshake), Postfix's milter settings, and the SRS domain's MX and SPF records.",
      "Prints one finding per line: OK, WARN (works, but fix it), FAIL (broken) or SKIP, each with what to do.",
      "Exit status: 0 when nothing FAILs, 1 otherwise."
    })
public final class DoctorCommand implements Callable<Integer> {

  static final Path DEFAULT_CONFIG = Path.of("/etc/postwarden/postwarden.conf");
  static final Duration MILTER_TIMEOUT = Duration.ofSeconds(5);
  static final Duration DNS_TIMEOUT = Duration.ofSeconds(3);

  @Option(
      names = {"-c", "--config"},
      paramLabel = "FILE",
      description =
          "Configuration file (default: /etc/postwarden/postwarden.conf if it exists, else the built-in "
              + "settings).")
  Path config;

  @Option(
      names = "--postfix-config",
      paramLabel = "DIR",
      description =
          "Postfix configuration directory (default: postfix-config-dir from the configuration, "
              + "else /etc/postfix).")
  Path postfixConfig;

  @Option(
      names = "--dns-server",
      paramLabel = "HOST[:PORT]",
      description = "Ask this DNS server (default: the system's resolvers).")
  String dnsServer;

  @Option(names = "--skip-dns", description = "Do not check the SRS domain's MX and SPF records.")
  boolean skipDns;

  @Option(
      names = "--address",
      paramLabel = "IP",
      description =
          "This server's address as other mail servers see it; repeat for several (default: the "
              + "addresses of its network interfaces, loopback excluded). Give it when the server is behind NAT.")
  List<String> addresses = new ArrayList<>();

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    List<Finding> findings = new ArrayList<>();
    Optional<Config> settings = loadConfig(findings);
    settings.ifPresent(loaded -> checks(loaded).forEach(check -> findings.addAll(check.run())));
    Map<Severity, Integer> counts = new EnumMap<>(Severity.class);
    for (Finding finding : findings) {
      out.println(finding.line());
      out.flush();
      counts.merge(finding.severity(), 1, Integer::sum);
    }
    out.println(
        "doctor: "
            + counts.getOrDefault(Severity.OK, 0)
            + " OK, "
            + counts.getOrDefault(Severity.WARN, 0)
            + " WARN, "
            + counts.getOrDefault(Severity.FAIL, 0)
            + " FAIL"
            + (counts.containsKey(Severity.SKIP)
                ? ", " + counts.get(Severity.SKIP) + " SKIP"
                : ""));
    out.flush();
    return counts.containsKey(Severity.FAIL) ? 1 : 0;
  }

  private Optional<Config> loadConfig(List<Finding> findings) {
    Path file = config;
    if (file == null) {
      if (!Files.exists(DEFAULT_CONFIG)) {
        findings.add(
            Finding.ok(
                "config",
                "no --config given and no " + DEFAULT_CONFIG + ": checking the built-in settings"));
        return Optional.of(Config.defaults(Modules.schema()));
      }
      file = DEFAULT_CONFIG;
    }
    try {
      Config loaded = Config.load(file, Modules.schema());
      findings.add(Finding.ok("config", file + " loads"));
      return Optional.of(loaded);
    } catch (ConfigException e) {
      for (String problem : e.getMessage().split("\n")) {
        findings.add(Finding.fail("config", problem));
      }
      findings.add(
          Finding.fail(
              "config",
              "nothing else was checked: fix the configuration first "
                  + "(postwarden config check "
                  + file
                  + ")"));
      return Optional.empty();
    }
  }

  /** The checks that apply to this configuration, in the order their findings are printed. */
  private List<Check> checks(Config settings) {
    List<Check> checks = new ArrayList<>();
    checks.add(new SecretsFileCheck(settings.get(SrsKeys.SECRETS_FILE)));
    checks.add(
        new SrsHashCheck(settings.get(SrsKeys.HASH_LENGTH), settings.get(SrsKeys.HASH_MINIMUM)));
    List<String> milter = settings.get(CoreKeys.MILTER);
    List<String> nonSmtpd = settings.get(CoreKeys.NON_SMTPD_MILTER);
    String socketGroup = settings.get(CoreKeys.MILTER_SOCKET_GROUP);
    milter.forEach(
        endpoint ->
            checks.add(
                new MilterListenerCheck(
                    endpoint, "milter", "smtpd_milters", MILTER_TIMEOUT, socketGroup)));
    nonSmtpd.forEach(
        endpoint ->
            checks.add(
                new MilterListenerCheck(
                    endpoint,
                    "non-smtpd-milter",
                    "non_smtpd_milters",
                    MILTER_TIMEOUT,
                    socketGroup)));

    Path postfixDirectory = postfixDirectory(settings);
    Optional<PostfixSettings> postfix;
    try {
      postfix = Optional.of(PostfixSettings.read(postfixDirectory));
    } catch (IOException e) {
      postfix = Optional.empty();
      String reason = e.getMessage();
      checks.add(
          () ->
              List.of(
                  Finding.fail(
                      "postfix",
                      "cannot read the Postfix configuration in "
                          + postfixDirectory
                          + ": "
                          + reason
                          + ". Give the right directory with --postfix-config")));
    }
    postfix.ifPresent(
        p -> {
          checks.add(PostfixMilterListCheck.smtpd(p, milter, nonSmtpd));
          checks.add(PostfixMilterListCheck.nonSmtpd(p, milter, nonSmtpd));
          checks.add(new PostfixDefaultActionCheck(p));
          checks.add(new PostfixTimeoutsCheck(p, settings.get(CoreKeys.POLICY_TIMEOUT)));
          if (settings.get(SrsKeys.FORWARD_CLEANUP)) {
            checks.add(new ForwardCleanupCheck(new PostfixCommands(p.directory())));
          }
        });

    List<String> srsDomains = SrsModule.allSrsDomains(settings);
    if (srsDomains.isEmpty()) {
      checks.add(
          () ->
              List.of(
                  Finding.ok(
                      "dns",
                      "SRS is off (srs-domain and domains are empty): no DNS records "
                          + "needed")));
    } else if (skipDns) {
      checks.add(
          () ->
              List.of(
                  Finding.skip(
                      "dns",
                      "MX and SPF of SRS domain "
                          + String.join(", ", srsDomains)
                          + " not checked (--skip-dns)")));
    } else {
      dnsChecks(srsDomains, postfix.map(p -> p.get("myhostname")), checks);
    }
    return checks;
  }

  /** MX and SPF of every SRS domain: the main one and each srs-domain-map names. */
  private void dnsChecks(List<String> domains, Optional<String> myhostname, List<Check> checks) {
    Dns dns;
    try {
      dns = dnsServer == null ? Dns.system(DNS_TIMEOUT) : Dns.server(dnsServer, DNS_TIMEOUT);
    } catch (UnknownHostException e) {
      checks.add(
          () -> List.of(Finding.fail("dns", "--dns-server " + dnsServer + ": " + e.getMessage())));
      return;
    }
    List<InetAddress> given = new ArrayList<>();
    for (String address : addresses) {
      try {
        given.add(SrsKeys.ipAddress(address));
      } catch (IllegalArgumentException e) {
        checks.add(
            () -> List.of(Finding.fail("dns", "--address " + address + " is not an IP address")));
        return;
      }
    }
    ThisHost host = ThisHost.of(given, myhostname.filter(name -> !name.isEmpty()));
    for (String domain : domains) {
      checks.add(new SrsMxCheck(domain, dns, host));
      checks.add(new SrsSpfCheck(domain, dns, host));
    }
  }

  private Path postfixDirectory(Config settings) {
    if (postfixConfig != null) {
      return postfixConfig;
    }
    String configured = settings.get(SrsKeys.POSTFIX_CONFIG_DIR);
    return configured.isEmpty() ? Path.of("/etc/postfix") : Path.of(configured);
  }
}
