package io.postwarden.it.limits;

import static org.junit.jupiter.api.Assertions.*;

import io.micrometer.core.instrument.Counter;
import io.postwarden.deploy.Modules;
import io.postwarden.it.RunningPostwarden;
import io.postwarden.it.harness.MailStack;
import io.postwarden.it.harness.QueuedMessage;
import io.postwarden.it.harness.Readiness;
import io.postwarden.it.harness.ReceivedMessage;
import io.postwarden.it.harness.SmtpResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Sending limits through a real Postfix: SMTP clients are deferred, sendmail(1) mail is held and
 * nothing is lost.
 */
class LimitsTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  @RegisterExtension
  @Order(2)
  static final RunningPostwarden postwarden =
      new RunningPostwarden(
          """
      limits-sasl = { "messages 3/1h" }
      limits-unix = { "recipients 2/1h" }
      limits-domain = { }
      """,
          Modules.assembly());

  @RegisterExtension
  @Order(1)
  static final MailStack stack =
      MailStack.builder()
          .milter(postwarden::smtpdEndpoint)
          .nonSmtpdMilter(postwarden::nonSmtpdEndpoint)
          .allowNonRootSendmail()
          .build();

  private static double metric(String name, String... tags) {
    Counter counter = postwarden.daemon().registry().find(name).tags(tags).counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  void authenticatedMessagesOverTheLimitGet451AfterTheLimitUntilAReset() throws Exception {
    for (int i = 1; i <= 3; i++) {
      SmtpResult accepted =
          stack
              .submission()
              .auth("alice", "secret")
              .from("alice@test.example")
              .to("friend@far.example")
              .data("Subject: " + i + "\r\n\r\nhello\r\n")
              .send();
      assertTrue(accepted.accepted(), accepted::toString);
    }
    SmtpResult fourth =
        stack
            .submission()
            .auth("alice", "secret")
            .from("alice@test.example")
            .to("friend@far.example")
            .data("Subject: 4\r\n\r\nhello\r\n")
            .send();
    assertEquals(SmtpResult.Step.MAIL, fourth.failedStep(), fourth::toString);
    assertEquals(451, fourth.code(), fourth::toString);
    assertEquals("4.7.1", fourth.enhancedCode(), fourth::toString);
    assertTrue(
        fourth.reply().toString().contains("Sending limit reached (sasl: messages 3/1h)"),
        fourth::toString);
    assertEquals(3, stack.sink().awaitMessages(3, WAIT).size());
    assertEquals(1, metric("postwarden.limits.hits", "kind", "sasl", "action", "defer"));
    // another user is not affected
    assertTrue(
        stack
            .submission()
            .auth("bob@test.example", "hunter2")
            .from("bob@test.example")
            .to("friend@far.example")
            .data("Subject: bob\r\n\r\nhi\r\n")
            .send()
            .accepted());

    PostwardenCli.Result status =
        PostwardenCli.run("limits", "status", "-c", cliConfig().toString(), "sasl:alice");
    assertEquals(0, status.status(), status::toString);
    assertTrue(
        status
            .out()
            .matches("(?s)KEY +LIMIT +USED +REMAINING\n" + "sasl:alice +messages 3/1h +3 +0\n"),
        status::toString);
    PostwardenCli.Result reset =
        PostwardenCli.run("limits", "reset", "-c", cliConfig().toString(), "sasl:alice");
    assertEquals(0, reset.status(), reset::toString);
    assertTrue(
        stack
            .submission()
            .auth("alice", "secret")
            .from("alice@test.example")
            .to("friend@far.example")
            .data("Subject: 5\r\n\r\nafter the reset\r\n")
            .send()
            .accepted());
    String audit = awaitAuditRecord("\"event\":\"limits_reset\"");
    assertTrue(audit.contains("\"target\":\"sasl:alice\""), audit);
  }

  @Test
  void sendmailMailOverTheLimitIsHeldAndReachesTheSinkAfterRelease() throws Exception {
    assertTrue(
        stack
            .sendmail(
                "wp@test.example", "Subject: one\n\nfirst\n", "a@far.example", "b@far.example")
            .ok());
    assertEquals(1, stack.sink().awaitMessages(1, WAIT).size());
    assertTrue(stack.sendmail("wp@test.example", "Subject: two\n\nspam\n", "c@far.example").ok());

    assertTrue(
        Readiness.poll(WAIT, () -> heldMessages().size() == 1),
        () -> "queue: " + stack.queue() + "\n" + stack.postfix().maillogTail(20));
    QueuedMessage held = heldMessages().get(0);
    assertEquals(List.of("c@far.example"), held.recipients());
    // Postfix 3.7 logs its own words, not the reason the milter gave: our header carries it in the
    // queue file
    assertTrue(
        stack
            .maillog()
            .contains(
                held.queueId()
                    + ": milter-hold: END-OF-MESSAGE from localhost[127.0.0.1]: "
                    + "milter triggers HOLD action"),
        stack.postfix().maillogTail(20));
    assertEquals(1, stack.sink().messages().size(), "nothing more was delivered");
    assertEquals(1, metric("postwarden.limits.held", "kind", "unix"));
    String record = awaitAuditRecord("\"event\":\"hold\"");
    assertTrue(
        record.contains("\"queue_id\":\"" + held.queueId() + "\"")
            && record.contains("\"held\":{\"key\":\"unix:root\",\"limit\":\"recipients 2/1h\"}"),
        record);

    PostwardenCli.Result listing = PostwardenCli.run("held", "-c", cliConfig().toString());
    assertEquals(0, listing.status(), listing::toString);
    assertTrue(
        listing.out().matches("(?s)KEY +MESSAGES +RCPTS +OLDEST\n" + "unix:root +1 +1 +\\d+s\n"),
        listing::toString);

    PostwardenCli.Result release =
        PostwardenCli.run("release", "-c", cliConfig().toString(), "unix:root");
    assertEquals(0, release.status(), release::toString);
    ReceivedMessage released =
        stack.sink().awaitMessage(m -> m.recipients().equals(List.of("c@far.example")), WAIT);
    assertEquals(
        "unix:root; limit=recipients 2/1h",
        released.header("X-Postwarden-Hold").orElseThrow().trim());
    stack.awaitQueueEmpty();
    String audit = awaitAuditRecord("\"event\":\"release\"");
    assertTrue(
        audit.contains("\"target\":\"unix:root\",\"queue_ids\":[\"" + held.queueId() + "\"]"),
        audit);
  }

  @Test
  void aMessageWhoseRecipientsGoOverTheLimitIsHeldWholeAndAPurgeDeletesItForGood()
      throws Exception {
    assertTrue(
        stack
            .sendmail()
            .asUser("nobody")
            .from("shop@test.example")
            .to("a@far.example", "b@far.example", "c@far.example")
            .message("Subject: three\n\nspam\n")
            .send()
            .ok());
    assertTrue(
        Readiness.poll(WAIT, () -> heldMessages().size() == 1), () -> "queue: " + stack.queue());
    QueuedMessage held = heldMessages().get(0);
    assertEquals(3, held.recipients().size(), "a message cannot be split: all of it waits");

    PostwardenCli.Result listing =
        PostwardenCli.run("held", "-c", cliConfig().toString(), "unix:nobody");
    assertEquals(0, listing.status(), listing::toString);
    assertTrue(
        listing.out().contains(held.queueId()) && listing.out().contains("<shop@test.example>"),
        listing::toString);

    PostwardenCli.Result purge =
        PostwardenCli.run("purge", "-c", cliConfig().toString(), held.queueId());
    assertEquals(0, purge.status(), purge::toString);
    stack.awaitQueueEmpty();
    assertTrue(stack.sink().messages().isEmpty());
    String audit = awaitAuditRecord("\"event\":\"purge\"");
    assertTrue(audit.contains("\"target\":\"" + held.queueId() + "\""), audit);

    PostwardenCli.Result again =
        PostwardenCli.run("purge", "-c", cliConfig().toString(), "unix:nobody");
    assertEquals(65, again.status(), again::toString);
    assertTrue(again.err().contains("nothing on hold for unix:nobody"), again::toString);
  }

  /**
   * What an operator's postwarden.conf would say: the Postfix instance and the daemon's audit log.
   */
  private static Path cliConfig() throws Exception {
    Path file = stack.workDir().resolve("cli.conf");
    Files.writeString(
        file,
        "postfix-config-dir = \""
            + stack.postfix().configDir()
            + "\"\naudit-log = \""
            + postwarden.auditLog()
            + "\"\nsecrets-file = \""
            + postwarden.secretsFile()
            + "\"\n"
            + "limits-control-socket = \""
            + postwarden.controlSocket()
            + "\"\n");
    return file;
  }

  private static List<QueuedMessage> heldMessages() {
    return stack.queue().stream().filter(m -> "hold".equals(m.queueName())).toList();
  }

  private static String awaitAuditRecord(String fragment) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      if (Files.exists(postwarden.auditLog())) {
        for (String line : Files.readAllLines(postwarden.auditLog())) {
          if (line.contains(fragment)) {
            return line;
          }
        }
      }
      Thread.sleep(20);
    }
    return fail("no audit record with " + fragment);
  }
}
