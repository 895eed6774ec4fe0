package io.postwarden.it.audit;

import static io.postwarden.it.audit.AuditRecordsFile.awaitRecord;
import static org.junit.jupiter.api.Assertions.*;

import io.micrometer.core.instrument.Counter;
import io.postwarden.it.RunningPostwarden;
import io.postwarden.it.harness.MailStack;
import io.postwarden.it.harness.ReceivedMessage;
import io.postwarden.it.harness.SmtpClient;
import io.postwarden.it.harness.SmtpResult;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The local-submission guard and the audit trail through real Postfix, with the production
 * policies.
 */
class GuardAndAuditTest {

  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final Pattern AUDIT_ID = Pattern.compile("^id=([0-9A-Z]{16})");

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
          .unixSmtpd()
          .build();

  private static double guardDecisions(String decision, String client) {
    Counter counter =
        postwarden
            .daemon()
            .registry()
            .find("postwarden.guard.decisions")
            .tags("decision", decision, "client", client)
            .counter();
    return counter == null ? 0 : counter.count();
  }

  private static String auditId(ReceivedMessage message) {
    List<String> tags = message.headers().all("X-Postwarden-Audit");
    assertEquals(1, tags.size(), () -> "audit headers " + tags);
    Matcher id = AUDIT_ID.matcher(tags.get(0).trim());
    assertTrue(id.find(), tags.get(0));
    return id.group(1);
  }

  /** The audit header without its signature (its last field). */
  private static String signedClaims(ReceivedMessage message) {
    String header = message.headers().all("X-Postwarden-Audit").get(0);
    assertTrue(header.matches(".*; sig=[0-9A-Z]{16}"), header);
    return header.substring(0, header.lastIndexOf("; sig="));
  }

  @Test
  void unauthenticatedLocalTcpIsRefusedOverEveryLoopbackForm() throws Exception {
    for (SmtpClient client :
        List.of(stack.smtp(), stack.smtp().localAddress("127.0.0.2"), stack.smtpV6())) {
      SmtpResult result =
          client
              .from("spam@shop.example")
              .to("victim@far.example")
              .data("Subject: spam\r\n\r\nbuy\r\n")
              .send();
      assertEquals(SmtpResult.Step.MAIL, result.failedStep(), result::toString);
      assertEquals(530, result.code(), result::toString);
      assertEquals("5.7.0", result.enhancedCode(), result::toString);
      assertTrue(result.reply().toString().contains("Authentication required"), result::toString);
    }
    assertTrue(stack.sink().messages().isEmpty());
    // this JVM was the client: the refusal names it
    String refusal =
        awaitRecord(
            postwarden.auditLog(),
            line ->
                line.contains("\"event\":\"refuse\"")
                    && line.contains("\"client\":\"[0:0:0:0:0:0:0:1]"),
            WAIT);
    assertTrue(refusal.contains("\"pid\":" + ProcessHandle.current().pid()), refusal);
    assertTrue(refusal.contains("\"decision\":\"refused\""), refusal);
  }

  @Test
  void unauthenticatedClientOfASmtpdOnAUnixSocketIsRefused() throws Exception {
    // Postfix reports such a client as localhost[127.0.0.1], milter family 'U': not a proven remote
    // TCP peer
    double refusedBefore = guardDecisions("refused", "non_tcp");
    SmtpResult result =
        stack
            .smtpOverUnixSocket()
            .from("spam@shop.example")
            .to("victim@far.example")
            .data("Subject: spam\r\n\r\nbuy\r\n")
            .send();
    assertEquals(SmtpResult.Step.MAIL, result.failedStep(), result::toString);
    assertEquals(530, result.code(), result::toString);
    assertEquals("5.7.0", result.enhancedCode(), result::toString);
    assertTrue(stack.sink().messages().isEmpty());
    assertEquals(refusedBefore + 1, guardDecisions("refused", "non_tcp"));
    String refusal =
        awaitRecord(
            postwarden.auditLog(),
            line ->
                line.contains("\"event\":\"refuse\"")
                    && line.contains("\"client_kind\":\"non_tcp\""),
            WAIT);
    assertTrue(
        refusal.contains("\"decision\":\"refused\"") && refusal.contains("\"local\":true"),
        refusal);
  }

  @Test
  void theSameClientAfterAuthIsAcceptedAndTaggedWithTheSaslUser() throws Exception {
    SmtpResult result =
        stack
            .submission()
            .auth("alice", "secret")
            .from("alice@test.example")
            .to("friend@far.example")
            .data("Subject: hi\r\n\r\nhello\r\n")
            .send();
    assertTrue(result.accepted(), result::toString);
    ReceivedMessage message = stack.sink().awaitMessage(WAIT);
    assertTrue(signedClaims(message).endsWith("; sasl=alice"), message::toString);
    String id = auditId(message);
    String record = awaitRecord(postwarden.auditLog(), line -> line.contains(id), WAIT);
    assertTrue(
        record.contains("\"event\":\"accept\"") && record.contains("\"sasl_user\":\"alice\""),
        record);
    assertTrue(record.contains("\"decision\":\"authenticated\""), record);
  }

  @Test
  void allowedUnixUsersProcessIsNamedInTheAuditRecord() throws Exception {
    // swaks as user nobody, exec'd by setpriv (no fork), so its pid is the one we started
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
                "monitor@test.example",
                "--to",
                "ops@far.example",
                "--header",
                "Subject: health check",
                "--add-header",
                "X-Job: check --password=hunter2",
                "--body",
                "ok",
                "--silent",
                "2")
            .redirectErrorStream(true)
            .start();
    long pid = client.pid();
    String output = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(client.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, client.exitValue(), output);

    ReceivedMessage message = stack.sink().awaitMessage(WAIT);
    assertTrue(signedClaims(message).endsWith("; user=nobody"), message::toString);
    String record =
        awaitRecord(postwarden.auditLog(), line -> line.contains(auditId(message)), WAIT);
    assertTrue(record.contains("\"pid\":" + pid), record);
    assertTrue(record.contains("\"uid\":65534") && record.contains("\"user\":\"nobody\""), record);
    assertTrue(record.matches(".*\"executable\":\"/usr/bin/perl[^\"]*\".*"), record);
    assertTrue(record.contains("swaks"), "command line recorded: " + record);
    assertTrue(
        record.contains("X-Job: check --password=***") && !record.contains("hunter2"),
        "secrets in it redacted: " + record);
    assertTrue(record.contains("\"decision\":\"allowed_user\""), record);
  }

  @Test
  void sendmailSubmissionPassesAndIsTagged() throws Exception {
    assertTrue(
        stack
            .sendmail("www-data@test.example", "Subject: cron\n\nreport\n", "admin@far.example")
            .ok());
    ReceivedMessage message = stack.sink().awaitMessage(WAIT);
    assertTrue(signedClaims(message).endsWith("; via=sendmail; user=root"), message::toString);
    String record =
        awaitRecord(postwarden.auditLog(), line -> line.contains(auditId(message)), WAIT);
    assertTrue(
        record.contains("\"origin\":\"sendmail\"")
            && record.contains("\"decision\":\"local_submission\""),
        record);
  }

  @Test
  void sendmailSubmitterIsTheMaildropFilesOwnerNotTheClaimedSender() throws Exception {
    // nobody claims to be the web shop with -f; the maildrop file postdrop wrote still belongs to
    // nobody
    assertTrue(
        stack
            .sendmail()
            .asUser("nobody")
            .from("shop@test.example")
            .to("admin@far.example")
            .message("Subject: who sent this\n\nhi\n")
            .send()
            .ok());
    ReceivedMessage message = stack.sink().awaitMessage(WAIT);
    assertEquals("shop@test.example", message.mailFrom());
    assertTrue(signedClaims(message).endsWith("; via=sendmail; user=nobody"), message::toString);
    String record =
        awaitRecord(postwarden.auditLog(), line -> line.contains(auditId(message)), WAIT);
    assertTrue(
        record.contains("\"submitter\":{\"uid\":65534,\"user\":\"nobody\",\"maildrop_file\":\""),
        record);
  }

  @Test
  void forgedAuditHeadersAreRemovedOnEveryPath() throws Exception {
    String forged =
        "X-Postwarden-Audit: id=FORGEDFORGEDFORG; sasl=ceo\r\n"
            + "x-postwarden-audit: id=SECONDFORGERYXXX\r\nX-Postwarden-Process: pid=1\r\n";
    SmtpResult result =
        stack
            .submission()
            .auth("alice", "secret")
            .from("alice@test.example")
            .to("friend@far.example")
            .data(forged + "Subject: forged\r\n\r\nhi\r\n")
            .send();
    assertTrue(result.accepted(), result::toString);
    assertTrue(
        stack
            .sendmail(
                "www-data@test.example",
                forged.replace("\r\n", "\n") + "Subject: forged\n\nhi\n",
                "admin@far.example")
            .ok());
    for (ReceivedMessage message : stack.sink().awaitMessages(2, WAIT)) {
      String id = auditId(message);
      assertFalse(id.startsWith("FORGED") || id.startsWith("SECOND"), id);
      assertTrue(message.headers().all("X-Postwarden-Process").isEmpty(), message::toString);
      awaitRecord(postwarden.auditLog(), line -> line.contains(id), WAIT);
    }
  }
}
