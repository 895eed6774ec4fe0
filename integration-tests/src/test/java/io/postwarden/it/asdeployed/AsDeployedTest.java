package io.postwarden.it.asdeployed;

import static io.postwarden.it.asdeployed.InstalledPostwarden.SNIPPETS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.postwarden.it.harness.Exec;
import io.postwarden.it.harness.MailStack;
import io.postwarden.it.harness.ReceivedMessage;
import io.postwarden.it.harness.RemoteNetwork;
import io.postwarden.it.harness.Sendmail;
import io.postwarden.it.harness.SmtpResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The mail a shared host sees, through the installed Debian package (scripts/test-package installs
 * it, starts the unit's command as the unit would, and runs this class; a plain {@code mvn verify}
 * skips it). Nothing here is a test-only shortcut on Postwarden's side: it is configured only by
 * editing /etc/postwarden/postwarden.conf, checked with {@code postwarden config check} and
 * reloaded with the unit's ExecReload; Postfix gets every line of the installed main.cf snippets
 * through {@code postconf -e}, as they say, with only the example names replaced.
 *
 * <p>What differs from a real server, and why: Postfix is a private instance (its own config and
 * queue directory, so the test never touches the machine's Postfix). Hence its queue directory
 * links {@code postwarden} to the package's socket directory, so the snippet's relative socket
 * names reach the package's sockets; its smtpd runs unchrooted (a chrooted one cannot follow that
 * link out of the chroot; UnixSocketListenersTest covers the chroot); {@code postfix-config-dir}
 * names its config directory, as for any Postfix instance outside /etc/postfix; the snippet's
 * transport_maps entry is merged into the harness's, which delivers everything to the sink; and the
 * private config directory is listed in alternate_config_directories so that a site user's
 * sendmail(1) can use it.
 */
@EnabledIfSystemProperty(named = InstalledPostwarden.PID_PROPERTY, matches = "[0-9]+")
class AsDeployedTest {

  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String SRS_DOMAIN = "srs.test.example";
  private static final String SRS0 =
      "SRS0=[A-Za-z0-9_-]{8}=[A-Z2-7]{2}=outside\\.example=ann@srs\\.test\\.example";

  /** A web site's Unix user, created for this class and deleted after it. */
  static final String SITE_USER = "www-asdeployed";

  @RegisterExtension
  @Order(1)
  static final InstalledPostwarden postwarden = new InstalledPostwarden();

  @RegisterExtension
  @Order(2)
  static final MailStack stack =
      MailStack.builder()
          .virtualAlias("info@test.example", "owner@far.example")
          .remoteHosts()
          .allowNonRootSendmail()
          .build();

  @BeforeAll
  static void wirePostfixAndPostwardenAsTheReadmeSays() throws Exception {
    Path config = stack.postfix().configDir();
    Files.createSymbolicLink(
        stack.queueDirectory().resolve("postwarden"), InstalledPostwarden.SOCKET_DIR);
    // the SRS-domain snippet's maps, copied to the config directory and postmap'ed as it says
    SNIPPETS.table(
        "srs_recipients",
        Map.of("srs\\.example\\.com", SRS_DOMAIN.replace(".", "\\.")),
        config.resolve("srs_recipients"));
    SNIPPETS.table(
        "srs_transport", Map.of("srs.example.com", SRS_DOMAIN), config.resolve("srs_transport"));
    Exec.run(
            List.of("postmap", "-c", config.toString(), config.resolve("srs_transport").toString()))
        .check();
    // every line of both main.cf snippets, set with postconf -e as they say; transport_maps was set
    // already (everything goes to the sink), so the snippet's entry is merged in front, as it says
    Map<String, String> srsDomain =
        Map.of("srs.example.com", SRS_DOMAIN, "/etc/postfix/", config + "/");
    Map<String, String> main =
        new LinkedHashMap<>(SNIPPETS.mainCf("main.cf-milter.snippet", Map.of()));
    main.putAll(SNIPPETS.mainCf("main.cf-srs-domain.snippet", srsDomain));
    main.put(
        "transport_maps",
        main.get("transport_maps") + ", " + stack.postfix().postconfValue("transport_maps"));
    stack.postconfKept(
        main.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toArray(String[]::new));

    postwarden.configure(
        Map.of(
            "srs-domain", '"' + SRS_DOMAIN + '"',
            "domains", "{ \"test.example\" }",
            "postfix-config-dir", '"' + config.toString() + '"'));
    postwarden.checkConfig();
    postwarden.reload();

    Exec.run(
            List.of(
                "useradd",
                "--user-group",
                "--no-create-home",
                "--shell",
                "/usr/sbin/nologin",
                SITE_USER))
        .check();
  }

  @AfterAll
  static void deleteSiteUser() {
    Exec.run(List.of("userdel", SITE_USER));
  }

  private static RemoteNetwork.Host remoteMta() {
    return stack.remote().mta();
  }

  private static String message(String subject) {
    return "From: Ann <ann@outside.example>\r\nSubject: " + subject + "\r\n\r\nhello\r\n";
  }

  /** The audit record of a message at the sink, found by the id in its X-Postwarden-Audit tag. */
  private static String auditRecordOf(ReceivedMessage message) throws Exception {
    String tag = message.header("X-Postwarden-Audit").orElseThrow(AssertionError::new);
    String id = tag.substring("id=".length(), tag.indexOf(';'));
    return postwarden.awaitAuditRecord(line -> line.contains("\"audit_id\":\"" + id + "\""));
  }

  private static void assertContains(String record, String... fragments) {
    for (String fragment : fragments) {
      assertTrue(record.contains(fragment), () -> "no " + fragment + " in " + record);
    }
  }

  private static ReceivedMessage forwardFromRemote(String subject) {
    SmtpResult result =
        stack
            .smtpFrom(remoteMta())
            .from("ann@outside.example")
            .to("info@test.example")
            .data(message(subject))
            .send();
    assertTrue(result.accepted(), result::toString);
    return stack.sink().awaitMessage(WAIT);
  }

  @Test
  void doctorFindsTheListenersAndPostfixsMilterSettingsRight() {
    // README: "sudo postwarden doctor  # checks DNS, secrets, listener and Postfix wiring". The
    // test
    // domains have no DNS. Doctor compares socket paths as written (for a chrooted smtpd a link out
    // of the queue directory would not do), so it cannot see this instance's link reach the
    // package's sockets: its "does not reach" for the two milter lists is expected here, and only
    // here; every message below proves they do reach them.
    Exec.Result doctor = Exec.run(List.of("postwarden", "doctor", "--skip-dns"));
    List<String> lines = doctor.stdout().lines().toList();
    String linked = "relative to queue_directory " + stack.queueDirectory();
    assertTrue(
        lines.stream()
            .filter(line -> line.startsWith("FAIL") || line.startsWith("WARN"))
            .allMatch(
                line -> line.contains(" does not reach Postwarden's ") && line.contains(linked)),
        doctor::describe);
    for (String ok :
        List.of(
            "OK   config: " + InstalledPostwarden.CONFIG + " loads",
            "OK   secrets: /var/lib/postwarden/srs.secret: 1 secret, mode 0600, owner postwarden",
            "OK   milter: unix:"
                + InstalledPostwarden.SOCKET_DIR
                + "/milter.sock (milter, for"
                + " Postfix's smtpd_milters) answers the milter handshake",
            "OK   milter: unix:"
                + InstalledPostwarden.SOCKET_DIR
                + "/non-smtpd.sock"
                + " (non-smtpd-milter, for Postfix's non_smtpd_milters) answers the milter handshake",
            "OK   postfix: milter_default_action = tempfail",
            "OK   postfix: milter_protocol = 6",
            "OK   postfix: Postwarden's policy-timeout (20s) is below milter_command_timeout")) {
      assertTrue(
          lines.stream().anyMatch(line -> line.startsWith(ok)),
          () -> ok + "\n" + doctor.describe());
    }
  }

  @Test
  void remoteMailToALocalMailboxIsTaggedAndKeepsItsSender() throws Exception {
    SmtpResult result =
        stack
            .smtpFrom(remoteMta())
            .from("ann@outside.example")
            .to("bob@test.example")
            .data(message("inbound"))
            .send();
    assertTrue(result.accepted(), result::toString);
    ReceivedMessage message = stack.sink().awaitMessage(WAIT);
    assertEquals("ann@outside.example", message.mailFrom());
    assertEquals(List.of("bob@test.example"), message.recipients());
    assertContains(
        auditRecordOf(message),
        "\"event\":\"accept\"",
        "\"client\":\"" + remoteMta().address() + ":",
        "\"client_kind\":\"remote\"",
        "\"decision\":\"not_local\"",
        "\"sender\":\"ann@outside.example\"");
  }

  @Test
  void forwardedMailLeavesWithAnSrsReturnPathAndItsFromUnchanged() throws Exception {
    ReceivedMessage message = forwardFromRemote("forwarded");
    assertTrue(message.mailFrom().matches(SRS0), message.mailFrom());
    assertEquals(List.of("owner@far.example"), message.recipients());
    assertEquals(List.of("Ann <ann@outside.example>"), message.headers().all("From"));
    assertContains(
        auditRecordOf(message),
        "\"client_kind\":\"remote\"",
        "\"sender\":\"ann@outside.example\"",
        "\"recipients\":[\"info@test.example\"]");
  }

  @Test
  void aBounceToTheSrsAddressReachesTheOriginalSenderAndForgedOnesAreRefused() throws Exception {
    String returnPath = forwardFromRemote("to be bounced").mailFrom();
    stack.sink().clear();

    SmtpResult bounce =
        stack
            .smtpFrom(remoteMta())
            .from("")
            .to(returnPath)
            .data("Subject: Undelivered Mail Returned to Sender\r\n\r\nno such user\r\n")
            .send();
    assertTrue(bounce.accepted(), bounce::toString);
    ReceivedMessage returned = stack.sink().awaitMessage(WAIT);
    assertEquals("", returned.mailFrom());
    assertEquals(List.of("ann@outside.example"), returned.recipients());
    assertContains(auditRecordOf(returned), "\"sender\":\"\"", "\"client_kind\":\"remote\"");
    stack.sink().clear();

    double badHashBefore = postwarden.metric("postwarden_srs_refusals_total", "reason", "bad_hash");
    String forged = returnPath.replaceFirst("^SRS0=........", "SRS0=ZZZZZZZZ");
    SmtpResult refused = stack.smtpFrom(remoteMta()).from("").to(forged).data("x\r\n").send();
    assertEquals(SmtpResult.Step.RCPT, refused.failedStep(), refused::toString);
    assertEquals(550, refused.code(), refused::toString);
    assertEquals(
        badHashBefore + 1,
        postwarden.metric("postwarden_srs_refusals_total", "reason", "bad_hash"));
    // the shipped srs_recipients table: only SRS addresses get through at the SRS domain
    SmtpResult notSrs =
        stack.smtpFrom(remoteMta()).from("").to("postmaster@" + SRS_DOMAIN).data("x\r\n").send();
    assertEquals(SmtpResult.Step.RCPT, notSrs.failedStep(), notSrs::toString);
    assertEquals("5.1.1", notSrs.enhancedCode(), notSrs::toString);
    assertTrue(notSrs.reply().text().contains("Not an SRS address"), notSrs::toString);
    stack.awaitQueueEmpty();
    assertTrue(stack.sink().messages().isEmpty(), () -> "delivered: " + stack.sink().messages());
  }

  @Test
  void aWebApplicationLoggedInOnTheSubmissionPortIsAcceptedAndNamed() throws Exception {
    SmtpResult result =
        stack
            .submission()
            .auth("alice", "secret")
            .from("alice@test.example")
            .to("customer@far.example")
            .data("Subject: your order\r\n\r\nshipped\r\n")
            .send();
    assertTrue(result.accepted(), result::toString);
    ReceivedMessage message = stack.sink().awaitMessage(WAIT);
    assertEquals("alice@test.example", message.mailFrom());
    assertTrue(
        message.header("X-Postwarden-Audit").orElseThrow().matches("id=\\S+; sasl=alice; sig=\\S+"),
        message::toString);
    assertContains(
        auditRecordOf(message),
        "\"client\":\"127.0.0.1:",
        "\"sasl_user\":\"alice\"",
        "\"decision\":\"authenticated\"");
  }

  @Test
  void aSiteUsersSendmailIsAcceptedAndNamesTheUnixUser() throws Exception {
    Sendmail.Result sent =
        stack
            .sendmail()
            .asUser(SITE_USER)
            .from("shop@test.example")
            .to("customer@far.example")
            .message("Subject: newsletter\n\nhi\n")
            .send();
    assertTrue(sent.ok(), sent::toString);
    ReceivedMessage message = stack.sink().awaitMessage(WAIT);
    assertTrue(
        message
            .header("X-Postwarden-Audit")
            .orElseThrow()
            .matches("id=\\S+; via=sendmail; user=" + SITE_USER + "; sig=\\S+"),
        message::toString);
    assertContains(
        auditRecordOf(message),
        "\"origin\":\"sendmail\"",
        "\"decision\":\"local_submission\"",
        "\"submitter\":{\"uid\":" + uid(SITE_USER) + ",\"user\":\"" + SITE_USER + "\"");
  }

  @Test
  void anAttackerOnLoopbackWithoutLoginIsRefusedAndNamed() throws Exception {
    double refusedBefore =
        postwarden.metric(
            "postwarden_guard_decisions_total", "decision", "refused", "client", "local_tcp");
    SmtpResult result =
        stack
            .smtpAsUnixUser(SITE_USER)
            .from("security@bank.example")
            .to("victim@far.example")
            .data("Subject: verify your account\r\n\r\nclick\r\n")
            .send();
    assertEquals(SmtpResult.Step.MAIL, result.failedStep(), result::toString);
    assertEquals(530, result.code(), result::toString);
    assertEquals("5.7.0", result.enhancedCode(), result::toString);
    assertContains(
        postwarden.awaitAuditRecord(line -> line.contains("\"sender\":\"security@bank.example\"")),
        "\"event\":\"refuse\"",
        "\"client\":\"127.0.0.1:",
        "\"client_kind\":\"local_tcp\"",
        "\"decision\":\"refused\"",
        "\"uid\":" + uid(SITE_USER) + ",\"user\":\"" + SITE_USER + "\"");
    assertEquals(
        refusedBefore + 1,
        postwarden.metric(
            "postwarden_guard_decisions_total", "decision", "refused", "client", "local_tcp"));
    stack.awaitQueueEmpty();
    assertTrue(stack.sink().messages().isEmpty(), () -> "delivered: " + stack.sink().messages());
  }

  private static String uid(String user) {
    return Exec.run(List.of("id", "-u", user)).check().stdout().strip();
  }
}
