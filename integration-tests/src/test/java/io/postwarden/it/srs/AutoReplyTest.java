package io.postwarden.it.srs;

import static org.junit.jupiter.api.Assertions.*;

import io.postwarden.deploy.Modules;
import io.postwarden.it.RunningPostwarden;
import io.postwarden.it.harness.MailStack;
import io.postwarden.it.harness.ReceivedMessage;
import io.postwarden.it.harness.RemoteNetwork;
import io.postwarden.it.harness.SmtpResult;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Vacation and other RFC 3834 auto-replies to forwarded mail, through real Postfix with the default
 * srs-null-sender-only: the forwarded message reaches the remote recipient's mail system (the
 * sink), whose scripted responder answers its return path (the SRS address) as RFC 3834 says, from
 * a remote MTA. A responder using the null sender reaches the original sender; one that wrongly
 * uses a sender of its own is refused with 5.7.1.
 */
class AutoReplyTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  @RegisterExtension
  @Order(2)
  static final RunningPostwarden postwarden =
      new RunningPostwarden(
          () ->
              "srs-domain = srs.test.example\n"
                  + "domains = { test.example }\n"
                  + "postfix-config-dir = \""
                  + AutoReplyTest.stack.postfix().configDir()
                  + "\"\n",
          Modules::policies);

  @RegisterExtension
  @Order(1)
  static final MailStack stack =
      MailStack.builder()
          .milter(postwarden::smtpdEndpoint)
          .nonSmtpdMilter(postwarden::nonSmtpdEndpoint)
          .virtualAlias("info@test.example", "someone@outside.example")
          .mainCf("relay_domains", "srs.test.example")
          .remoteHosts()
          .build();

  /** The forwarded message as someone@outside.example's mail system received it. */
  private static ReceivedMessage forwarded() {
    SmtpResult sent =
        stack
            .smtpFrom(stack.remote().mta())
            .from("ann@outside.example")
            .to("info@test.example")
            .data(
                "From: Ann <ann@outside.example>\r\nTo: info@test.example\r\nMessage-ID: <question-1@outside.example>"
                    + "\r\nSubject: Are you there?\r\n\r\nhello\r\n")
            .send();
    assertTrue(sent.accepted(), sent::toString);
    ReceivedMessage message = stack.sink().awaitMessage(WAIT);
    stack.sink().clear();
    assertEquals(List.of("someone@outside.example"), message.recipients());
    assertTrue(message.mailFrom().startsWith("SRS0="), message.mailFrom());
    return message;
  }

  /**
   * What a vacation responder sends (RFC 3834, 3.1 and 5): to the return path, with In-Reply-To and
   * Auto-Submitted: auto-replied, from the envelope sender it chooses, over SMTP from its own MTA.
   */
  private static SmtpResult autoReply(
      ReceivedMessage original, String envelopeSender, RemoteNetwork.Host mta) {
    String messageId = original.header("Message-ID").orElseThrow();
    return stack
        .smtpFrom(mta)
        .from(envelopeSender)
        .to(original.mailFrom())
        .data(
            "From: someone@outside.example\r\nTo: "
                + original.header("From").orElseThrow()
                + "\r\n"
                + "Subject: Auto: "
                + original.header("Subject").orElseThrow()
                + "\r\n"
                + "In-Reply-To: "
                + messageId
                + "\r\nReferences: "
                + messageId
                + "\r\n"
                + "Auto-Submitted: auto-replied\r\nMessage-ID: <vacation-1@outside.example>\r\n\r\n"
                + "I am away until Monday.\r\n")
        .send();
  }

  @Test
  void anAutoReplyWithTheNullSenderReachesTheOriginalSender() {
    SmtpResult reply = autoReply(forwarded(), "", stack.remote().mta());
    assertTrue(reply.accepted(), reply::toString);
    ReceivedMessage delivered = stack.sink().awaitMessage(WAIT);
    assertEquals(List.of("ann@outside.example"), delivered.recipients());
    assertEquals("", delivered.mailFrom(), "still the null sender: no loop of auto-replies");
    assertEquals(Optional.of("auto-replied"), delivered.header("Auto-Submitted"));
    assertEquals(Optional.of("<question-1@outside.example>"), delivered.header("In-Reply-To"));
  }

  @Test
  void anAutoReplyWithASenderOfItsOwnIsRefusedAtRcpt() {
    SmtpResult reply = autoReply(forwarded(), "someone@outside.example", stack.remote().host(6));
    assertEquals(SmtpResult.Step.RCPT, reply.failedStep(), reply::toString);
    assertEquals(550, reply.code(), reply::toString);
    assertEquals("5.7.1", reply.enhancedCode(), reply::toString);
    stack.awaitQueueEmpty();
    assertTrue(stack.sink().messages().isEmpty(), () -> "delivered: " + stack.sink().messages());
  }
}
