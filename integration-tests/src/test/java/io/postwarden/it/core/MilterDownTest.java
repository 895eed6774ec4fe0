package io.postwarden.it.core;

import static org.junit.jupiter.api.Assertions.*;

import io.postwarden.it.RunningPostwarden;
import io.postwarden.it.harness.MailStack;
import io.postwarden.it.harness.QueuedMessage;
import io.postwarden.it.harness.ReceivedMessage;
import io.postwarden.it.harness.SmtpResult;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** With milter_default_action = tempfail, nothing is lost while Postwarden is down. */
class MilterDownTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  static final RunningPostwarden postwarden = new RunningPostwarden("guard = no\n");

  @RegisterExtension
  static final MailStack stack =
      MailStack.builder()
          .milter(postwarden::smtpdEndpoint)
          .nonSmtpdMilter(postwarden::nonSmtpdEndpoint)
          .build();

  @BeforeEach
  void startPostwarden() {
    postwarden.start();
  }

  @AfterEach
  void stopPostwarden() {
    postwarden.kill();
  }

  @Test
  void smtpClientIsTempfailedAndItsRetrySucceedsOncePostwardenIsBack() {
    postwarden.kill();
    SmtpResult refused =
        stack
            .smtp()
            .from("ann@outside.example")
            .to("bob@test.example")
            .data("Subject: retry me\r\n\r\nhello\r\n")
            .send();
    assertEquals(SmtpResult.Step.MAIL, refused.failedStep(), refused::toString);
    assertEquals(451, refused.code(), refused::toString);
    assertTrue(stack.sink().messages().isEmpty());

    postwarden.start();
    SmtpResult retried =
        stack
            .smtp()
            .from("ann@outside.example")
            .to("bob@test.example")
            .data("Subject: retry me\r\n\r\nhello\r\n")
            .send();
    assertTrue(retried.accepted(), retried::toString);
    assertEquals("retry me", stack.sink().awaitMessage(WAIT).header("Subject").orElseThrow());
  }

  @Test
  void sendmailMessageWaitsInTheQueueAndIsDeliveredOncePostwardenIsBack() {
    postwarden.kill();
    assertTrue(
        stack
            .sendmail("www-data@test.example", "Subject: queued\n\nwait\n", "carol@outside.example")
            .ok());
    stack.awaitMaillog(
        "milter-reject: CONNECT from localhost\\[127.0.0.1\\]: 4.7.1 .*from=<www-data@test.example>");
    List<QueuedMessage> queue = stack.queue();
    assertEquals(1, queue.size(), queue::toString);
    assertTrue(stack.sink().messages().isEmpty());

    postwarden.start();
    stack.flush();
    ReceivedMessage message = stack.sink().awaitMessage(WAIT);
    assertEquals("www-data@test.example", message.mailFrom());
    assertEquals(List.of("carol@outside.example"), message.recipients());
    stack.awaitQueueEmpty();
  }
}
