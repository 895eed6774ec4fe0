package io.postwarden.it.audit;

import static io.postwarden.it.audit.AuditRecordsFile.awaitRecord;
import static org.junit.jupiter.api.Assertions.*;

import io.postwarden.deploy.Main;
import io.postwarden.it.RunningPostwarden;
import io.postwarden.it.harness.MailStack;
import io.postwarden.it.harness.ReceivedMessage;
import io.postwarden.it.harness.SmtpResult;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;

/**
 * {@code postwarden audit show | find | search | top} on the audit log the daemon wrote for mail
 * that went through real Postfix, rotated twice by logrotate with the package's own rules
 * (audit.log.1, audit.log.2.gz).
 */
class AuditForensicsTest {

  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final Pattern AUDIT_ID = Pattern.compile("^id=([0-9A-Z]{16});");

  @RegisterExtension
  @Order(2)
  static final RunningPostwarden postwarden =
      new RunningPostwarden("guard-allow-users = { nobody }\n");

  @RegisterExtension
  @Order(1)
  static final MailStack stack =
      MailStack.builder()
          .milter(postwarden::smtpdEndpoint)
          .nonSmtpdMilter(postwarden::nonSmtpdEndpoint)
          .allowNonRootSendmail()
          .build();

  static ReceivedMessage alicesFirst;
  static ReceivedMessage nobodys;
  static ReceivedMessage alicesLast;
  static Path config;

  /**
   * A day of mail in each file: alice's first message, rotated twice; nobody's, rotated once; then
   * the rest.
   */
  @BeforeAll
  static void mailAndRotate() throws Exception {
    Path log = postwarden.auditLog();
    config =
        Files.writeString(
            log.resolveSibling("cli.conf"),
            "audit-log = \""
                + log
                + "\"\naudit-key-file = \""
                + postwarden.auditKeyFile()
                + "\"\naudit-site-roots = { \""
                + sitesRoot()
                + "/*\" }\n");
    alicesFirst = submitAsAlice("first");
    logrotate(log);
    nobodys = sendAsNobody();
    logrotate(log);
    SmtpResult refused =
        stack
            .smtp()
            .from("spam@test.example")
            .to("victim@far.example")
            .data("Subject: spam\r\n\r\nbuy\r\n")
            .send();
    assertEquals(530, refused.code(), refused::toString);
    awaitRecord(log, line -> line.contains("\"event\":\"refuse\""), WAIT);
    alicesLast = submitAsAlice("last");
    assertTrue(
        Files.exists(log.resolveSibling("audit.log.2.gz"))
            && Files.exists(log.resolveSibling("audit.log.1")));
  }

  /** Where the site "www-nobody" lives, for its working directory and audit-site-roots. */
  static Path sitesRoot() {
    return postwarden.auditLog().resolveSibling("sites");
  }

  static Path nobodysScripts() {
    return sitesRoot().resolve("www-nobody/public_html/wp-content");
  }

  /**
   * A local process of user nobody (a hacked site) over SMTP, working in the site's directory: the
   * peer lookup names it, and where it works.
   */
  static ReceivedMessage sendAsNobody() throws Exception {
    Files.createDirectories(nobodysScripts());
    Process client =
        new ProcessBuilder(
                "setpriv",
                "--reuid=nobody",
                "--regid=nogroup",
                "--clear-groups",
                "swaks",
                "--server",
                "127.0.0.1",
                "--port",
                Integer.toString(stack.smtpPort()),
                "--from",
                "shop@test.example",
                "--to",
                "victim@far.example",
                "--header",
                "Subject: cheap pills",
                "--add-header",
                "Message-ID: <pills-1@test.example>",
                "--body",
                "buy",
                "--silent",
                "2")
            .directory(nobodysScripts().toFile())
            .redirectErrorStream(true)
            .start();
    String output = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(client.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, client.exitValue(), output);
    return awaitRecordOf(stack.sink().awaitMessage(WAIT));
  }

  static ReceivedMessage submitAsAlice(String subject) throws Exception {
    SmtpResult result =
        stack
            .submission()
            .auth("alice", "secret")
            .from("alice@test.example")
            .to("friend@far.example")
            .data("Subject: " + subject + "\r\n\r\nhello\r\n")
            .send();
    assertTrue(result.accepted(), result::toString);
    return awaitRecordOf(stack.sink().awaitMessage(WAIT));
  }

  /** The message once its record is written; the sink is emptied for the next one. */
  static ReceivedMessage awaitRecordOf(ReceivedMessage message) throws Exception {
    stack.sink().clear();
    String id = auditId(message);
    awaitRecord(postwarden.auditLog(), line -> line.contains("\"audit_id\":\"" + id + "\""), WAIT);
    return message;
  }

  static String auditHeader(ReceivedMessage message) {
    return message.headers().all("X-Postwarden-Audit").get(0).trim();
  }

  static String auditId(ReceivedMessage message) {
    Matcher id = AUDIT_ID.matcher(auditHeader(message));
    assertTrue(id.find(), message::toString);
    return id.group(1);
  }

  /** The shipped rules, for this log: as root, without su to the package's user. */
  static void logrotate(Path log) throws Exception {
    String rules =
        Files.readString(Path.of("../deploy/debian/logrotate"))
            .replace("/var/log/postwarden/audit.log", log.toString())
            .replaceAll("\\n\\s*su postwarden postwarden", "")
            .replace("create 0640 postwarden postwarden", "create 0640");
    Path conf = Files.writeString(log.resolveSibling("logrotate.conf"), rules);
    Process logrotate =
        new ProcessBuilder(
                "logrotate",
                "-f",
                "-s",
                log.resolveSibling("logrotate.state").toString(),
                conf.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(logrotate.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(logrotate.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, logrotate.exitValue(), output);
  }

  record Run(int status, String out, String err) {}

  static Run postwarden(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(2, List.of("-c", config.toString()));
    int status =
        new CommandLine(new Main())
            .setOut(new PrintWriter(out, true))
            .setErr(new PrintWriter(err, true))
            .execute(all.toArray(String[]::new));
    return new Run(status, out.toString(), err.toString());
  }

  @Test
  void showFindsARecordInTheCompressedFileAndVouchesForItsHeader() {
    Run show = postwarden("audit", "show", auditHeader(alicesFirst));

    assertEquals(0, show.status(), show::toString);
    assertTrue(
        show.out().startsWith("header: signature valid: this server wrote this header"),
        show.out());
    assertTrue(show.out().contains("audit_id: " + auditId(alicesFirst) + "\n"), show.out());
    assertTrue(show.out().contains("sasl_user: alice\n"), show.out());
    Run byId = postwarden("audit", "show", auditId(nobodys));
    assertEquals(0, byId.status(), byId::toString);
    assertTrue(
        byId.out().contains("  uid: 65534\n  user: nobody\n  executable: /usr/bin/perl"),
        byId.out());
  }

  @Test
  void aForgedOrAlteredHeaderIsFlagged() {
    // someone who received alice's mail puts her id on a header that blames another user
    String altered = auditHeader(alicesLast).replace("sasl=alice", "sasl=bob");
    Run show = postwarden("audit", "show", altered);

    assertEquals(1, show.status(), show::toString);
    assertTrue(show.out().contains("FORGED OR ALTERED"), show.out());
    assertTrue(
        show.out().contains("header and record disagree: sasl: header says bob, the record alice"),
        show.out());
    Run madeUp = postwarden("audit", "show", "id=FORGEDFORGEDFORG; sasl=ceo; sig=0123456789ABCDEF");
    assertEquals(1, madeUp.status(), madeUp::toString);
    assertTrue(madeUp.out().contains("FORGED OR ALTERED"), madeUp.out());
  }

  @Test
  void findReadsTheOriginalOutOfAnAbuseReport() throws Exception {
    // the recipient's provider reports the message it received from us, wrapped as RFC 5965 says
    String original = new String(nobodys.content(), StandardCharsets.ISO_8859_1);
    String report =
        "From: abuse@far.example\r\nTo: abuse@test.example\r\nSubject: FW: abuse report\r\n"
            + "MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=feedback-report; boundary=\"b1\"\r\n\r\n"
            + "--b1\r\nContent-Type: text/plain\r\n\r\nA user of ours reported this message.\r\n"
            + "--b1\r\nContent-Type: message/feedback-report\r\n\r\nFeedback-Type: abuse\r\nVersion: 1\r\n\r\n"
            + "--b1\r\nContent-Type: message/rfc822\r\n\r\n"
            + original
            + "\r\n--b1--\r\n";
    Path file =
        Files.writeString(
            postwarden.auditLog().resolveSibling("report.eml"),
            report,
            StandardCharsets.ISO_8859_1);

    Run find = postwarden("audit", "find", file.toString());

    assertEquals(0, find.status(), find::toString);
    assertTrue(find.out().contains("header: signature valid"), find.out());
    assertTrue(find.out().contains("audit_id: " + auditId(nobodys) + "\n"), find.out());
    assertTrue(find.out().contains("user: nobody"), find.out());
    assertEquals(1, find.out().split("\ntime: ", -1).length - 1, "one record: " + find.out());

    // the headers alone, without our header: found by the queue id in Postfix's Received line
    String headersOnly =
        original
            .substring(0, original.indexOf("\r\n\r\n") + 2)
            .replaceAll("(?m)^X-Postwarden-Audit:.*\r\n(?:[ \t].*\r\n)*", "");
    Run byQueueId = postwarden("audit", "find", Files.writeString(file, headersOnly).toString());
    assertEquals(0, byQueueId.status(), byQueueId::toString);
    assertTrue(byQueueId.out().contains("audit_id: " + auditId(nobodys) + "\n"), byQueueId.out());
  }

  @Test
  void searchAndTopReadEveryRotatedFile() {
    Run search = postwarden("audit", "search", "--sasl", "alice");

    assertEquals(0, search.status(), search::toString);
    List<String> lines = search.out().lines().toList();
    assertEquals(2, lines.size(), search.out());
    assertTrue(
        lines.get(0).contains("id=" + auditId(alicesFirst))
            && lines.get(1).contains("id=" + auditId(alicesLast)),
        "oldest first: " + search.out());
    assertTrue(search.err().contains("in 3 file(s)"), search.err());
    Run byUser = postwarden("audit", "search", "--user", "nobody", "--json");
    assertTrue(
        byUser.out().startsWith("{\"time\":") && byUser.out().contains(auditId(nobodys)),
        byUser.out());

    Run top = postwarden("audit", "top");
    assertEquals(0, top.status(), top::toString);
    assertTrue(top.out().matches("(?s).*\nsasl:alice +2 +2 +0 +0 .*"), top.out());
    assertTrue(top.out().matches("(?s).*\nunix:nobody +1 +1 +0 +0 .*"), top.out());
    // the refused client was this JVM, found by the peer lookup
    // refused at MAIL, so no recipients
    assertTrue(top.out().matches("(?s).*\nunix:root +1 +0 +1 +0 .*"), top.out());
  }

  @Test
  void theClientsWorkingDirectoryIsRecordedSearchedAndNamesItsSite() throws Exception {
    String cwd = nobodysScripts().toRealPath().toString();

    Run show = postwarden("audit", "show", auditId(nobodys));
    assertTrue(show.out().contains("\n  cwd: " + cwd + "\n"), show.out());
    Run search = postwarden("audit", "search", "--cwd", sitesRoot().toRealPath() + "/www-nobody");
    assertEquals(0, search.status(), search::toString);
    assertEquals(1, search.out().lines().count(), search.out());
    assertTrue(search.out().contains("id=" + auditId(nobodys)), search.out());

    Run bySite = postwarden("audit", "top", "--by", "site");
    assertEquals(0, bySite.status(), bySite::toString);
    assertTrue(bySite.out().startsWith("SITE "), bySite.out());
    assertTrue(bySite.out().matches("(?s).*\nwww-nobody +1 +1 +0 +0 .*"), bySite.out());
    Run wrong = postwarden("audit", "top", "--by", "planet");
    assertEquals(CommandLine.ExitCode.USAGE, wrong.status(), wrong::toString);
  }
}
