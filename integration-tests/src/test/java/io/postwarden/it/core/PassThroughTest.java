package io.postwarden.it.core;

import static org.junit.jupiter.api.Assertions.*;

import io.postwarden.core.policy.Decision;
import io.postwarden.core.policy.Modification.AddHeader;
import io.postwarden.core.policy.Modification.Capability;
import io.postwarden.core.testing.ScriptedPolicy;
import io.postwarden.it.RunningPostwarden;
import io.postwarden.it.harness.MailStack;
import io.postwarden.it.harness.ReceivedMessage;
import io.postwarden.it.harness.SmtpResult;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Real Postfix calls Postwarden on all three arrival paths; a message changes only where a policy
 * asks.
 */
class PassThroughTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  /** Adds one header naming the path and the SASL user, as seen through the policy API. */
  @RegisterExtension
  @Order(2)
  static final RunningPostwarden postwarden =
      new RunningPostwarden(
          "",
          (config, registry) ->
              List.of(
                  new ScriptedPolicy("tag")
                      .may(Capability.ADD_HEADERS)
                      .onEndOfMessage(
                          tx ->
                              Decision.modify(
                                  new AddHeader(
                                      "X-Postwarden-Test",
                                      tx.connection().origin()
                                          + " sasl="
                                          + tx.authenticatedUser().orElse("-")
                                          + " queue="
                                          + tx.queueId().isPresent())))));

  @RegisterExtension
  @Order(1)
  static final MailStack stack =
      MailStack.builder()
          .milter(postwarden::smtpdEndpoint)
          .nonSmtpdMilter(postwarden::nonSmtpdEndpoint)
          .build();

  /** Raw 8-bit bytes in a header and the body must survive unaltered. */
  private static final String MESSAGE =
      "From: Ann <ann@outside.example>\r\n"
          + "To: bob@test.example\r\n"
          + "Subject: Gr\u00c3\u00bc\u00c3\u009fe \u00e9t\u00e9\r\n"
          + "Message-Id: <pass-through-1@outside.example>\r\n"
          + "Date: Wed, 25 Nov 2026 09:00:00 +0000\r\n"
          + "\r\n"
          + "Body line one\r\n"
          + "caf\u00e9 in Latin-1\r\n";

  private static byte[] messageBytes() {
    return MESSAGE.getBytes(StandardCharsets.ISO_8859_1);
  }

  /** The content the sink got, minus Postfix's Received: header and the policy's header. */
  private static String withoutAdditions(ReceivedMessage message, String addedHeader) {
    String content = new String(message.content(), StandardCharsets.ISO_8859_1);
    assertTrue(content.startsWith("Received: "), content);
    int end = content.indexOf("\r\n", 0);
    while (content.charAt(end + 2) == ' ' || content.charAt(end + 2) == '\t') {
      end = content.indexOf("\r\n", end + 2);
    }
    String rest = content.substring(end + 2);
    String added = "X-Postwarden-Test: " + addedHeader + "\r\n";
    assertTrue(rest.contains(added), "policy header missing: " + rest);
    return rest.replace(added, "");
  }

  @Test
  void smtpMessagePassesUnchangedExceptForThePolicysHeader() {
    SmtpResult result =
        stack.smtp().from("ann@outside.example").to("bob@test.example").data(messageBytes()).send();
    assertTrue(result.accepted(), result::toString);

    ReceivedMessage message = stack.sink().awaitMessage(WAIT);
    assertEquals("ann@outside.example", message.mailFrom());
    assertEquals(List.of("bob@test.example"), message.recipients());
    assertEquals(MESSAGE, withoutAdditions(message, "SMTPD sasl=- queue=true"));
  }

  @Test
  void authenticatedSubmissionShowsTheSaslUser() {
    SmtpResult result =
        stack
            .submission()
            .auth("alice", "secret")
            .from("alice@test.example")
            .to("carol@outside.example")
            .data(messageBytes())
            .send();
    assertTrue(result.accepted(), result::toString);

    ReceivedMessage message = stack.sink().awaitMessage(WAIT);
    assertEquals(MESSAGE, withoutAdditions(message, "SMTPD sasl=alice queue=true"));
  }

  @Test
  void sendmailSubmissionArrivesOnTheNonSmtpdListener() {
    assertTrue(
        stack
            .sendmail(
                "www-data@test.example", MESSAGE.replace("\r\n", "\n"), "dave@outside.example")
            .ok());

    ReceivedMessage message = stack.sink().awaitMessage(WAIT);
    assertEquals("www-data@test.example", message.mailFrom());
    assertEquals(List.of("dave@outside.example"), message.recipients());
    assertTrue(
        message.headers().all("X-Postwarden-Test").contains("NON_SMTPD sasl=- queue=true"),
        message::toString);
  }
}
