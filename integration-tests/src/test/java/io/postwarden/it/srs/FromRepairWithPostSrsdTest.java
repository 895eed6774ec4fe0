package io.postwarden.it.srs;

import static io.postwarden.it.srs.FromHeaders.assertOneFromWithoutSrs;
import static org.junit.jupiter.api.Assertions.*;

import io.postwarden.deploy.Modules;
import io.postwarden.it.RunningPostwarden;
import io.postwarden.it.harness.MailStack;
import io.postwarden.it.harness.ReceivedMessage;
import io.postwarden.it.harness.SmtpResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The seed's setup before migrating: Postfix rewrites senders through Debian's PostSRSd 1.10 canonical maps, and
 * Postwarden, sharing PostSRSd's secrets file, only repairs From:. Without it, cleanup builds the missing From: from
 * the canonicalised sender and recipients see "From: SRS0=...".
 */
class FromRepairWithPostSrsdTest {

  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String NO_FROM = "Subject: no From header\r\nTo: someone@far.example\r\n\r\nhello\r\n";

  static final Path secrets = sharedSecrets();
  static final PostSrsd postsrsd = startPostSrsd();

  @RegisterExtension
  @Order(2)
  static final RunningPostwarden postwarden = new RunningPostwarden(
      "guard = no\nsecrets-file = \"" + secrets + "\"\npostfix-config-dir = \"\"\n", Modules::policies);

  @RegisterExtension
  @Order(1)
  static final MailStack stack = MailStack.builder()
      .milter(postwarden::smtpdEndpoint)
      .nonSmtpdMilter(postwarden::nonSmtpdEndpoint)
      .mainCf("sender_canonical_maps", postsrsd.forwardMap())
      .mainCf("recipient_canonical_maps", postsrsd.reverseMap())
      .mainCf("recipient_canonical_classes", "envelope_recipient, header_recipient")
      .build();

  private static Path sharedSecrets() {
    try {
      Path file = Files.createTempFile("postsrsd", ".secret");
      Files.writeString(file, "postsrsd-era-secret\n");
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static PostSrsd startPostSrsd() {
    try {
      return new PostSrsd(secrets, "srs.test.example", "test.example");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @AfterAll
  static void stopPostSrsd() throws IOException {
    postsrsd.close();
    Files.deleteIfExists(secrets);
  }

  @Test
  void remoteClientWithoutFromGetsTheOriginalSenderNotTheCanonicalisedOne() {
    SmtpResult result = stack.smtp().localAddress("127.0.0.2").from("ann@outside.example")
        .to("someone@far.example").data(NO_FROM).send();
    assertTrue(result.accepted(), result::toString);
    ReceivedMessage message = stack.sink().awaitMessage(WAIT);
    assertTrue(message.mailFrom().startsWith("SRS0="), "PostSRSd rewrote the envelope: " + message.mailFrom());
    assertEquals("<ann@outside.example>", assertOneFromWithoutSrs(message));
  }

  @Test
  void authenticatedSubmissionWithoutFromIsRepaired() {
    SmtpResult result = stack.submission().auth("alice", "secret").from("ann@outside.example")
        .to("someone@far.example").data(NO_FROM).send();
    assertTrue(result.accepted(), result::toString);
    ReceivedMessage message = stack.sink().awaitMessage(WAIT);
    assertTrue(message.mailFrom().startsWith("SRS0="), message.mailFrom());
    assertEquals("ann@outside.example", assertOneFromWithoutSrs(message));
  }

  @Test
  void sendmailWithoutFromIsRepairedKeepingTheFullName() {
    assertTrue(stack.sendmail().from("apache@site.example").fullName("Web Shop").to("someone@far.example")
        .message(NO_FROM.replace("\r\n", "\n")).send().ok());
    ReceivedMessage message = stack.sink().awaitMessage(WAIT);
    assertTrue(message.mailFrom().startsWith("SRS0="), message.mailFrom());
    assertEquals("Web Shop <apache@site.example>", assertOneFromWithoutSrs(message));
  }

  @Test
  void aSendersOwnFromIsLeftAlone() {
    SmtpResult result = stack.smtp().localAddress("127.0.0.2").from("ann@outside.example")
        .to("someone@far.example").data("From: Ann <ann@outside.example>\r\nSubject: own\r\n\r\nhi\r\n").send();
    assertTrue(result.accepted(), result::toString);
    assertEquals("Ann <ann@outside.example>", assertOneFromWithoutSrs(stack.sink().awaitMessage(WAIT)));
  }
}
