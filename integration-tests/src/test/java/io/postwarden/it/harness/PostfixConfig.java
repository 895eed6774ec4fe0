package io.postwarden.it.harness;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders {@code main.cf} and {@code master.cf} of the private Postfix.
 *
 * <p>Design: <b>all</b> mail, for local domains too, is relayed to the capturing sink by {@code
 * transport_maps = static:smtp:[127.0.0.1]:SINK} (transport_maps overrides the local/virtual
 * transports), so a test sees every delivery — including bounces — in one place. {@code
 * local_recipient_maps} is empty, so any user of a {@code mydestination} domain is accepted.
 * Virtual aliases are applied by cleanup before routing, so an alias pointing off-server shows up
 * at the sink with the rewritten recipient.
 *
 * @param layout where the instance lives
 * @param smtpPort port of the port-25-style smtpd on 127.0.0.1 (and [::1] when {@code ipv6})
 * @param ipv6 also listen on [::1] (same port number)
 * @param submissionPort port of the SASL-only submission smtpd on 127.0.0.1
 * @param sinkPort where everything is relayed
 * @param saslPath {@code smtpd_sasl_path} (Dovecot's inet listener)
 * @param milter milter endpoint for smtpd_milters and non_smtpd_milters, or null for none
 * @param main further main.cf settings (they override the defaults above them)
 * @param smtpOptions extra {@code -o} options for the port-25 service
 * @param submissionOptions extra {@code -o} options for the submission service
 * @param unixSmtpd also run the port-25 smtpd on a unix socket ({@link Layout#unixSmtpdSocket()})
 * @param chrootSmtpd run the smtpd services chrooted in the queue directory, as Debian's master.cf
 *     does
 * @param publicAddresses further addresses of this host (e.g. on a {@link RemoteNetwork}) where the
 *     port-25 and submission smtpd listen too, with the same ports; also in inet_interfaces
 */
record PostfixConfig(
    Layout layout,
    int smtpPort,
    boolean ipv6,
    int submissionPort,
    int sinkPort,
    String saslPath,
    String milter,
    Map<String, String> main,
    Map<String, String> smtpOptions,
    Map<String, String> submissionOptions,
    boolean unixSmtpd,
    boolean chrootSmtpd,
    List<String> publicAddresses) {

  /**
   * master.cf name of the unix-socket smtpd: a public service, so its socket is queue/public/NAME.
   */
  static final String UNIX_SMTPD = "smtpd-unix";

  /** Directory layout of one instance under its workspace. */
  record Layout(
      Path root, Path configDir, Path queueDir, Path dataDir, Path maillog, Path logPrefix) {

    static Layout under(Path postfixRoot, Path logPrefix) {
      return new Layout(
          postfixRoot,
          postfixRoot.resolve("etc"),
          postfixRoot.resolve("queue"),
          postfixRoot.resolve("data"),
          postfixRoot.resolve("maillog"),
          logPrefix);
    }

    /**
     * Where master creates the unix-socket smtpd's socket (unix service names are relative paths).
     */
    Path unixSmtpdSocket() {
      return queueDir.resolve("public").resolve(UNIX_SMTPD);
    }
  }

  /** Services every instance needs; all with chroot {@code n} (cleanup and pickup too). */
  private static final String INTERNAL_SERVICES =
      String.join(
          "\n",
          "pickup    unix  n       -       n       60      1       pickup",
          "cleanup   unix  n       -       n       -       0       cleanup",
          "qmgr      unix  n       -       n       300     1       qmgr",
          "rewrite   unix  -       -       n       -       -       trivial-rewrite",
          "bounce    unix  -       -       n       -       0       bounce",
          "defer     unix  -       -       n       -       0       bounce",
          "trace     unix  -       -       n       -       0       bounce",
          "verify    unix  -       -       n       -       1       verify",
          "flush     unix  n       -       n       1000?   0       flush",
          "proxymap  unix  -       -       n       -       -       proxymap",
          "proxywrite unix -       -       n       -       1       proxymap",
          "smtp      unix  -       -       n       -       -       smtp",
          "relay     unix  -       -       n       -       -       smtp",
          "showq     unix  n       -       n       -       -       showq",
          "error     unix  -       -       n       -       -       error",
          "retry     unix  -       -       n       -       -       error",
          "discard   unix  -       -       n       -       -       discard",
          "local     unix  -       n       n       -       -       local",
          "virtual   unix  -       n       n       -       -       virtual",
          "anvil     unix  -       -       n       -       1       anvil",
          "scache    unix  -       -       n       -       1       scache",
          "postlog   unix-dgram n  -       n       -       1       postlogd",
          "");

  String mainCf() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("compatibility_level", "3.6");
    m.put("config_directory", layout.configDir().toString());
    m.put("queue_directory", layout.queueDir().toString());
    m.put("data_directory", layout.dataDir().toString());
    // no syslogd here: without maillog_file AND a matching prefix, "postfix start" fails silently
    m.put("maillog_file", layout.maillog().toString());
    m.put("maillog_file_prefixes", layout.logPrefix().toString());
    m.put("myhostname", "mx." + MailStack.LOCAL_DOMAIN);
    m.put("mydomain", MailStack.LOCAL_DOMAIN);
    m.put("myorigin", "$mydomain");
    m.put("mydestination", MailStack.LOCAL_DOMAIN + ", localhost");
    m.put("local_recipient_maps", "");
    m.put("alias_maps", "");
    m.put("alias_database", "");
    List<String> interfaces =
        new ArrayList<>(ipv6 ? List.of("127.0.0.1", "[::1]") : List.of("127.0.0.1"));
    publicAddresses.forEach(a -> interfaces.add(bracketed(a)));
    m.put("inet_interfaces", String.join(", ", interfaces));
    m.put("inet_protocols", ipv6 ? "all" : "ipv4");
    m.put("mynetworks", "127.0.0.0/8 [::1]/128");
    m.put("smtp_dns_support_level", "disabled");
    // loopback only: no reverse DNS for clients such as 127.0.0.2 (the client name becomes
    // "unknown")
    m.put("smtpd_peername_lookup", "no");
    m.put("transport_maps", "static:smtp:[127.0.0.1]:" + sinkPort);
    m.put("relayhost", "");
    m.put("biff", "no");
    m.put("append_dot_mydomain", "no");
    m.put("readme_directory", "no");
    m.put("smtpd_sasl_type", "dovecot");
    m.put("smtpd_sasl_path", saslPath);
    m.put("smtpd_sasl_auth_enable", "no");
    m.put("smtpd_milters", milter == null ? "" : milter);
    m.put("non_smtpd_milters", milter == null ? "" : milter);
    m.put("milter_default_action", "tempfail");
    m.put("milter_protocol", "6");
    m.putAll(main);
    StringBuilder sb = new StringBuilder("# generated by io.postwarden.it.harness.PostfixConfig\n");
    m.forEach((k, v) -> sb.append(k).append(" = ").append(v).append('\n'));
    return sb.toString();
  }

  String masterCf() {
    StringBuilder sb = new StringBuilder("# generated by io.postwarden.it.harness.PostfixConfig\n");
    sb.append(service("127.0.0.1:" + smtpPort, smtpOptions));
    if (ipv6) {
      sb.append(service("[::1]:" + smtpPort, smtpOptions));
    }
    Map<String, String> sub = new LinkedHashMap<>();
    sub.put("syslog_name", "postfix/submission");
    sub.put("smtpd_sasl_auth_enable", "yes");
    sub.put("smtpd_tls_security_level", "none");
    sub.put("smtpd_tls_auth_only", "no");
    sub.put("smtpd_sasl_security_options", "noanonymous");
    sub.put("smtpd_client_restrictions", "permit_sasl_authenticated,reject");
    sub.put("smtpd_relay_restrictions", "permit_sasl_authenticated,reject");
    sub.put("milter_macro_daemon_name", "ORIGINATING");
    sub.putAll(submissionOptions);
    sb.append(service("127.0.0.1:" + submissionPort, sub));
    for (String address : publicAddresses) {
      sb.append(service(bracketed(address) + ":" + smtpPort, smtpOptions));
      sb.append(service(bracketed(address) + ":" + submissionPort, sub));
    }
    if (unixSmtpd) {
      sb.append(service(UNIX_SMTPD, "unix", smtpOptions));
    }
    sb.append(INTERNAL_SERVICES);
    return sb.toString();
  }

  /** An address as main.cf and master.cf write it: IPv6 in brackets. */
  static String bracketed(String address) {
    return address.contains(":") ? "[" + address + "]" : address;
  }

  private String service(String name, Map<String, String> options) {
    return service(name, "inet", options);
  }

  private String service(String name, String type, Map<String, String> options) {
    StringBuilder sb =
        new StringBuilder(name)
            .append(' ')
            .append(type)
            .append(" n - ")
            .append(chrootSmtpd ? "y" : "n")
            .append(" - - smtpd\n");
    options.forEach(
        (k, v) -> {
          // values with white space need the "{ name = value }" form (Postfix >= 3.0)
          boolean plain = v.chars().noneMatch(Character::isWhitespace);
          sb.append(plain ? "  -o " + k + "=" + v : "  -o { " + k + " = " + v + " }").append('\n');
        });
    return sb.toString();
  }
}
