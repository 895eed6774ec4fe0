package io.postwarden.it.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.postwarden.it.harness.SmtpResult.Step;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Self-test of the mail stack without any milter: Postfix, Dovecot SASL, sink and clients work end
 * to end.
 */
class MailStackSelfTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  @RegisterExtension
  static final MailStack stack =
      MailStack.builder().virtualAlias("info@test.example", "someone@outside.example").build();

  @Test
  void ipv4MessageReachesSinkWithExactEnvelopeAndContent() {
    String message =
        "From: Sender <sender@outside.example>\r\n"
            + "To: bob@test.example, carol@outside.example\r\n"
            + "Subject: over ipv4\r\n"
            + "Message-Id: <v4@outside.example>\r\n"
            + "Date: Tue, 25 Nov 2025 10:00:00 +0000\r\n"
            + "\r\n"
            + "Hello over IPv4.\r\n"
            + ".a line starting with a dot\r\n";

    SmtpResult r =
        stack
            .smtp()
            .from("sender@outside.example")
            .to("bob@test.example", "carol@outside.example")
            .data(message)
            .send();

    assertTrue(r.accepted(), r::toString);
    assertEquals(250, r.code(), r::toString);
    String queueId = r.queueId().orElseThrow();
    ReceivedMessage m = stack.sink().awaitMessage(WAIT);
    assertEquals("sender@outside.example", m.mailFrom());
    assertEquals(Set.of("bob@test.example", "carol@outside.example"), Set.copyOf(m.recipients()));
    // Postfix prepends one Received: header; everything after it is what the client sent, byte for
    // byte
    String content = m.contentAsString();
    assertTrue(content.startsWith("Received: ") && content.endsWith("\r\n" + message), content);
    assertEquals(
        List.of("Received", "From", "To", "Subject", "Message-Id", "Date"), m.headers().names());
    String received = m.header("received").orElseThrow();
    assertTrue(received.contains("from client.outside.example (unknown [127.0.0.1])"), received);
    assertTrue(received.contains("with ESMTP id " + queueId), received);
    assertEquals("over ipv4", m.header("Subject").orElseThrow());
    assertEquals("Hello over IPv4.\r\n.a line starting with a dot\r\n", m.body());
    assertEquals("127.0.0.1", m.clientAddress());
  }

  @Test
  void ipv6MessageReachesSink() {
    assertTrue(stack.hasIpv6(), "::1 is not available on this machine: the IPv6 tests cannot run");
    SmtpResult r =
        stack
            .smtpV6()
            .from("v6@outside.example")
            .to("dave@outside.example")
            .data("Subject: over ipv6\n\nhello\n")
            .send();

    assertEquals(250, r.code(), r::toString);
    ReceivedMessage m = stack.sink().awaitMessage(WAIT);
    assertEquals("v6@outside.example", m.mailFrom());
    assertEquals(List.of("dave@outside.example"), m.recipients());
    assertTrue(
        m.header("Received").orElseThrow().contains("[IPv6:::1]"), m.header("Received")::get);
    assertEquals("hello\r\n", m.body());
  }

  @Test
  void clientCanBindAnotherLoopbackSourceAddress() {
    SmtpResult r =
        stack
            .smtp()
            .localAddress("127.0.0.2")
            .from("x@outside.example")
            .to("bob@test.example")
            .data("Subject: from 127.0.0.2\n\nx\n")
            .send();

    assertEquals(250, r.code(), r::toString);
    assertTrue(
        stack.sink().awaitMessage(WAIT).header("Received").orElseThrow().contains("[127.0.0.2]"));
  }

  @Test
  void submissionWithTheRightPasswordIsAccepted() {
    SmtpResult r =
        stack
            .submission()
            .auth("alice", "secret")
            .from("alice@test.example")
            .to("someone@outside.example")
            .data("Subject: authenticated\n\nhi\n")
            .send();

    assertTrue(r.accepted(), r::toString);
    assertEquals(235, r.replyAt(Step.AUTH).orElseThrow().code());
    String queueId = r.queueId().orElseThrow();
    stack.awaitMaillog(queueId + ": client=.*sasl_method=PLAIN, sasl_username=alice");
    ReceivedMessage m = stack.sink().awaitMessage(WAIT);
    assertEquals("alice@test.example", m.mailFrom());
    assertEquals(List.of("someone@outside.example"), m.recipients());
  }

  @Test
  void submissionWithAWrongPasswordIsRefusedWith535() {
    SmtpResult r =
        stack
            .submission()
            .auth("alice", "wrong")
            .from("alice@test.example")
            .to("someone@outside.example")
            .data("Subject: x\n\nx\n")
            .send();

    assertEquals(Step.AUTH, r.failedStep(), r::toString);
    assertEquals(535, r.code(), r::toString);
    assertEquals("5.7.8", r.enhancedCode());
    assertTrue(stack.sink().messages().isEmpty());
  }

  @Test
  void saslUsersCanBeAddedWhileRunning() {
    String password = "pw-" + System.nanoTime();
    stack.sasl().setUser("carol", password);

    SmtpResult r =
        stack
            .submission()
            .auth("carol", password)
            .from("carol@test.example")
            .to("someone@outside.example")
            .data("Subject: x\n\nx\n")
            .send();

    assertEquals(250, r.code(), r::toString);
  }

  @Test
  void submissionWithoutAuthenticationIsRefused() {
    SmtpResult r =
        stack
            .submission()
            .from("alice@test.example")
            .to("someone@outside.example")
            .data("Subject: x\n\nx\n")
            .send();

    assertEquals(Step.RCPT, r.failedStep(), r::toString);
    assertEquals(554, r.code(), r::toString);
    assertEquals("5.7.1", r.enhancedCode());
  }

  @Test
  void sendmailDeliversToSink() {
    Sendmail.Result s =
        stack.sendmail(
            "root@test.example", "Subject: via sendmail\n\nlocal body\n", "erin@outside.example");

    assertTrue(s.ok());
    ReceivedMessage m = stack.sink().awaitMessage(WAIT);
    assertEquals("root@test.example", m.mailFrom());
    assertEquals(List.of("erin@outside.example"), m.recipients());
    assertTrue(
        m.header("Received").orElseThrow().contains("(Postfix, from userid 0)"), m::toString);
    assertEquals("via sendmail", m.header("Subject").orElseThrow());
    // cleanup adds the missing headers for local submissions
    assertEquals(1, m.headers().count("From"));
    assertEquals(1, m.headers().count("Message-Id"));
    assertEquals("local body\r\n", m.body());
    stack.awaitQueueEmpty();
  }

  @Test
  void virtualAliasPointsOffServer() {
    SmtpResult r =
        stack
            .smtp()
            .from("x@outside.example")
            .to("info@test.example")
            .data("Subject: alias\n\nx\n")
            .send();

    assertEquals(250, r.code(), r::toString);
    ReceivedMessage m = stack.sink().awaitMessage(WAIT);
    assertEquals(List.of("someone@outside.example"), m.recipients());
  }

  @Test
  void postconfReloadsAndResetRestores() {
    stack.postconf("mynetworks=127.0.0.1/32");
    SmtpResult relay =
        stack
            .smtp()
            .localAddress("127.0.0.2")
            .from("x@outside.example")
            .to("y@outside.example")
            .data("Subject: x\n\nx\n")
            .send();
    SmtpResult local =
        stack
            .smtp()
            .localAddress("127.0.0.2")
            .from("x@outside.example")
            .to("bob@test.example")
            .data("Subject: x\n\nx\n")
            .send();

    assertEquals(Step.RCPT, relay.failedStep(), relay::toString);
    assertEquals(454, relay.code(), relay::toString); // defer_unauth_destination
    assertTrue(relay.reply().text().contains("Relay access denied"), relay::toString);
    assertEquals(250, local.code(), local::toString);
    stack.sink().awaitMessage(WAIT); // let it be delivered before the next reload restarts qmgr

    stack.reset();
    assertEquals("127.0.0.0/8 [::1]/128", stack.postfix().postconfValue("mynetworks"));
    SmtpResult again =
        stack
            .smtp()
            .localAddress("127.0.0.2")
            .from("x@outside.example")
            .to("y@outside.example")
            .data("Subject: x\n\nx\n")
            .send();
    assertEquals(250, again.code(), again::toString);
  }
}
