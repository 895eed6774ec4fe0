package io.postwarden.it.srs;

import static io.postwarden.it.srs.FromHeaders.assertOneFromWithoutSrs;
import static io.postwarden.it.srs.FromHeaders.assertWellFormedHeaders;
import static org.junit.jupiter.api.Assertions.*;

import io.postwarden.it.harness.MailStack;
import io.postwarden.it.harness.ReceivedMessage;
import io.postwarden.it.harness.SmtpClient;
import io.postwarden.it.harness.SmtpResult;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The From: promise on the three ways mail arrives; each subclass runs them in one SRS setup,
 * deployed as the README says (every policy at its default, remote clients at their own addresses).
 * In every case the envelope leaves rewritten (SRS0) and the message has exactly one From:, the
 * original sender's.
 */
abstract class FromRepairScenarios {

  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String NO_FROM =
      "Subject: no From header\r\nTo: someone@far.example\r\n\r\nhello\r\n";

  abstract MailStack stack();

  /**
   * A second mail server of the site (in mynetworks) relaying through this one: a remote client.
   */
  private SmtpClient fromMailServer() {
    return stack().smtpFrom(stack().remote().mailServer());
  }

  private ReceivedMessage delivered() {
    ReceivedMessage message = stack().sink().awaitMessage(WAIT);
    assertTrue(
        message.mailFrom().startsWith("SRS0="), "the envelope is rewritten: " + message.mailFrom());
    return message;
  }

  @Test
  void remoteClientWithoutFromGetsOneBuiltFromTheOriginalSender() {
    // not one of Postfix's inet_interfaces: cleanup treats it as remote and adds no From:
    SmtpResult result =
        fromMailServer().from("ann@outside.example").to("someone@far.example").data(NO_FROM).send();
    assertTrue(result.accepted(), result::toString);
    assertEquals("<ann@outside.example>", assertOneFromWithoutSrs(delivered()));
  }

  @Test
  void authenticatedSubmissionWithoutFromShowsTheOriginalSender() {
    SmtpResult result =
        stack()
            .submissionFrom(stack().remote().client())
            .auth("alice", "secret")
            .from("ann@outside.example")
            .to("someone@far.example")
            .data(NO_FROM)
            .send();
    assertTrue(result.accepted(), result::toString);
    // a remote client is not in cleanup's local rewrite context, so the From: is the repair's, not
    // cleanup's
    assertEquals("<ann@outside.example>", assertOneFromWithoutSrs(delivered()));
  }

  @Test
  void sendmailWithoutFromKeepsTheFullName() {
    assertTrue(
        stack()
            .sendmail()
            .from("apache@site.example")
            .fullName("Web Shop")
            .to("someone@far.example")
            .message(NO_FROM.replace("\r\n", "\n"))
            .send()
            .ok());
    assertEquals("Web Shop <apache@site.example>", assertOneFromWithoutSrs(delivered()));
  }

  @Test
  void aSendersOwnFromIsLeftAlone() {
    SmtpResult result =
        fromMailServer()
            .from("ann@outside.example")
            .to("someone@far.example")
            .data("From: Ann <ann@outside.example>\r\nSubject: own\r\n\r\nhi\r\n")
            .send();
    assertTrue(result.accepted(), result::toString);
    assertEquals("Ann <ann@outside.example>", assertOneFromWithoutSrs(delivered()));
  }

  /**
   * An SRS address our secrets verify, as this setup hands them out: the return path of a forwarded
   * message.
   */
  private String srsAddressFor(String original) {
    assertTrue(
        fromMailServer()
            .from(original)
            .to("someone@far.example")
            .data("Subject: mint\r\n\r\nx\r\n")
            .send()
            .accepted());
    String srs = delivered().mailFrom();
    stack().sink().clear();
    return srs;
  }

  @Test
  void foldedSrsFromIsDecodedAndStaysWellFormed() {
    String srs = srsAddressFor("ann@outside.example");
    SmtpResult result =
        fromMailServer()
            .from("ann@outside.example")
            .to("someone@far.example")
            .data("From: \"Ann Example\"\r\n\t<" + srs + ">\r\nSubject: folded\r\n\r\nhi\r\n")
            .send();
    assertTrue(result.accepted(), result::toString);
    ReceivedMessage message = delivered();
    assertEquals("\"Ann Example\"\t<ann@outside.example>", assertOneFromWithoutSrs(message));
    assertWellFormedHeaders(message);
  }

  @Test
  void foldedSrsFromFromAScriptWritingCrlfIsDecodedAndStaysWellFormed() {
    // PHP's mail() hands sendmail(1) CRLF line ends
    String srs = srsAddressFor("ann@outside.example");
    assertTrue(
        stack()
            .sendmail()
            .from("apache@site.example")
            .to("someone@far.example")
            .message(
                ("From: \"Ann Example\"\r\n <" + srs + ">\r\nSubject: folded\r\n\r\nhi\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII))
            .send()
            .ok());
    ReceivedMessage message = delivered();
    assertEquals("\"Ann Example\" <ann@outside.example>", assertOneFromWithoutSrs(message));
    assertWellFormedHeaders(message);
  }

  @Test
  void anSrsSenderWeCannotVerifyIsNotShownInAnAddedFrom() {
    // forged, expired, or another forwarder's: nothing vouches for what it encodes
    SmtpResult result =
        fromMailServer()
            .from("SRS0=ZZZZ=TT=outside.example=ann@forwarder.example")
            .to("someone@far.example")
            .data(NO_FROM)
            .send();
    assertTrue(result.accepted(), result::toString);
    ReceivedMessage message = stack().sink().awaitMessage(WAIT);
    assertEquals("undisclosed-sender:;", assertOneFromWithoutSrs(message));
    assertWellFormedHeaders(message);
  }
}
