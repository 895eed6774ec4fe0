package io.postwarden.it.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.postwarden.it.harness.SmtpResult.Step;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The milter endpoint points at a closed port and {@code milter_default_action = tempfail}: nothing
 * gets through until the milter is removed from the configuration.
 */
class MilterDownSelfTest {

  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final int CLOSED_PORT = Ports.freePort();

  @RegisterExtension
  static final MailStack stack =
      MailStack.builder().milter("inet:127.0.0.1:" + CLOSED_PORT).build();

  @Test
  void smtpIsTempfailedAtMail() {
    SmtpResult r =
        stack
            .smtp()
            .from("a@outside.example")
            .to("bob@test.example")
            .data("Subject: x\n\nx\n")
            .send();

    assertEquals(Step.MAIL, r.failedStep(), r::toString);
    assertEquals(451, r.code(), r::toString);
    assertEquals("4.7.1", r.enhancedCode(), r::toString);
    stack.awaitMaillog(
        "warning: connect to Milter service inet:127.0.0.1:"
            + CLOSED_PORT
            + ": Connection refused");
  }

  @Test
  void submissionIsTempfailedAtAuth() {
    SmtpResult r =
        stack
            .submission()
            .auth("alice", "secret")
            .from("alice@test.example")
            .to("x@outside.example")
            .data("Subject: x\n\nx\n")
            .send();

    assertEquals(Step.AUTH, r.failedStep(), r::toString);
    assertEquals(454, r.code(), r::toString);
    assertEquals("4.3.0", r.enhancedCode(), r::toString);
  }

  @Test
  void sendmailMessageStaysQueuedUntilTheMilterIsRemoved() {
    stack.sendmail(
        "root@test.example", "Subject: held back\n\nwait for me\n", "frank@outside.example");

    stack.awaitMaillog(
        "milter-reject: CONNECT from localhost\\[127.0.0.1\\]: 4.7.1 .*from=<root@test.example>");
    List<QueuedMessage> queue = stack.queue();
    assertEquals(1, queue.size(), queue::toString);
    assertEquals("maildrop", queue.get(0).queueName());
    assertEquals("root@test.example", queue.get(0).sender());
    assertEquals(List.of("frank@outside.example"), queue.get(0).recipients());
    assertTrue(stack.sink().messages().isEmpty());

    stack.useMilter(null);
    stack.flush();

    ReceivedMessage m = stack.sink().awaitMessage(WAIT);
    assertEquals("root@test.example", m.mailFrom());
    assertEquals(List.of("frank@outside.example"), m.recipients());
    assertEquals("held back", m.header("Subject").orElseThrow());
    stack.awaitQueueEmpty();
  }
}
