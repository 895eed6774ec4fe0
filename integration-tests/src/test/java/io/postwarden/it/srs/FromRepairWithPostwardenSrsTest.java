package io.postwarden.it.srs;

import static io.postwarden.it.srs.FromHeaders.assertOneFromWithoutSrs;
import static org.junit.jupiter.api.Assertions.*;

import io.postwarden.deploy.Modules;
import io.postwarden.it.RunningPostwarden;
import io.postwarden.it.harness.MailStack;
import io.postwarden.it.harness.ReceivedMessage;
import io.postwarden.it.harness.SmtpResult;
import java.time.Duration;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Postwarden does SRS itself: every arrival path ends with one From:, never an SRS address. */
class FromRepairWithPostwardenSrsTest {

  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String NO_FROM = "Subject: no From header\r\nTo: someone@far.example\r\n\r\nhello\r\n";

  @RegisterExtension
  @Order(2)
  static final RunningPostwarden postwarden = new RunningPostwarden(() -> "guard = no\nsrs-domain = srs.test.example\n"
      + "domains = { test.example }\n"
      + "postfix-config-dir = \"" + FromRepairWithPostwardenSrsTest.stack.postfix().configDir() + "\"\n",
      Modules::policies);

  @RegisterExtension
  @Order(1)
  static final MailStack stack = MailStack.builder()
      .milter(postwarden::smtpdEndpoint)
      .nonSmtpdMilter(postwarden::nonSmtpdEndpoint)
      .build();

  @Test
  void remoteClientWithoutFromGetsOneBuiltFromTheOriginalSender() {
    // 127.0.0.2 is not one of Postfix's inet_interfaces: cleanup treats it as remote and adds no From:
    SmtpResult result = stack.smtp().localAddress("127.0.0.2").from("ann@outside.example")
        .to("someone@far.example").data(NO_FROM).send();
    assertTrue(result.accepted(), result::toString);
    ReceivedMessage message = stack.sink().awaitMessage(WAIT);
    assertTrue(message.mailFrom().startsWith("SRS0="), message.mailFrom());
    assertEquals("<ann@outside.example>", assertOneFromWithoutSrs(message));
  }

  @Test
  void authenticatedSubmissionWithoutFromKeepsCleanupsFrom() {
    SmtpResult result = stack.submission().auth("alice", "secret").from("ann@outside.example")
        .to("someone@far.example").data(NO_FROM).send();
    assertTrue(result.accepted(), result::toString);
    ReceivedMessage message = stack.sink().awaitMessage(WAIT);
    assertTrue(message.mailFrom().startsWith("SRS0="), message.mailFrom());
    assertEquals("ann@outside.example", assertOneFromWithoutSrs(message));
  }

  @Test
  void sendmailWithoutFromKeepsTheFullName() {
    assertTrue(stack.sendmail().from("apache@site.example").fullName("Web Shop").to("someone@far.example")
        .message(NO_FROM.replace("\r\n", "\n")).send().ok());
    ReceivedMessage message = stack.sink().awaitMessage(WAIT);
    assertTrue(message.mailFrom().startsWith("SRS0="), message.mailFrom());
    assertEquals("Web Shop <apache@site.example>", assertOneFromWithoutSrs(message));
  }
}
