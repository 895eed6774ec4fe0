package io.postwarden.it.srs;

import static org.junit.jupiter.api.Assertions.*;

import io.postwarden.deploy.Modules;
import io.postwarden.it.RunningPostwarden;
import io.postwarden.it.harness.MailStack;
import io.postwarden.it.harness.ReceivedMessage;
import io.postwarden.it.harness.SmtpResult;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A sender whose SRS address would pass 64 octets, through real Postfix with the daemon's assembly
 * and its default store (a SQLite file): the forwarded copy leaves with a short SRS0 address, and
 * its bounce reaches the sender.
 */
class LongSenderStoreTest {

  static final Duration WAIT = Duration.ofSeconds(10);
  static final String SRS_DOMAIN = "srs.test.example";

  /**
   * 60 octets of local part; its plain SRS0 address would have 60 + 18 + 16 = 94 octets of local
   * part.
   */
  static final String LONG_SENDER =
      "newsletter-bounces+0123456789abcdef0123456789abcdef-ann-smith@lists.outside.example";

  static final String SHORT_SRS0 =
      "SRS0=[A-Za-z0-9_-]{8}=[A-Z2-7]{2}=1=[0-9A-V]{26}@srs\\.test\\.example";

  @RegisterExtension
  @Order(2)
  static final RunningPostwarden postwarden =
      new RunningPostwarden(() -> config(LongSenderStoreTest.stack), Modules.assembly());

  @RegisterExtension
  @Order(1)
  static final MailStack stack = stack(postwarden);

  /** The local-submission guard is off: the test's remote sender connects from loopback. */
  static String config(MailStack stack) {
    return "srs-domain = "
        + SRS_DOMAIN
        + "\ndomains = { test.example }\nguard = false\n"
        + "postfix-config-dir = \""
        + stack.postfix().configDir()
        + "\"\n";
  }

  static MailStack stack(RunningPostwarden postwarden) {
    return MailStack.builder()
        .milter(postwarden::smtpdEndpoint)
        .nonSmtpdMilter(postwarden::nonSmtpdEndpoint)
        .virtualAlias("info@test.example", "someone@far.example")
        .mainCf("relay_domains", SRS_DOMAIN)
        .build();
  }

  /**
   * A message from the long sender to a mailbox forwarded off the server: its return path as it
   * left.
   */
  static String forwardedReturnPath(MailStack stack) {
    SmtpResult sent =
        stack
            .smtp()
            .from(LONG_SENDER)
            .to("info@test.example")
            .data("Subject: newsletter\r\n\r\nhello\r\n")
            .send();
    assertTrue(sent.accepted(), sent::toString);
    ReceivedMessage forwarded = stack.sink().awaitMessage(WAIT);
    stack.sink().clear();
    assertEquals(List.of("someone@far.example"), forwarded.recipients());
    return forwarded.mailFrom();
  }

  /** A bounce to {@code srs} delivered through {@code stack}: its recipients as they left. */
  static List<String> bounceRecipients(MailStack stack, String srs) {
    SmtpResult bounced =
        stack
            .smtp()
            .from("")
            .to(srs)
            .data("Subject: Undelivered Mail\r\n\r\nno such user\r\n")
            .send();
    assertTrue(bounced.accepted(), bounced::toString);
    ReceivedMessage bounce = stack.sink().awaitMessage(WAIT);
    stack.sink().clear();
    assertEquals("", bounce.mailFrom());
    return bounce.recipients();
  }

  @Test
  void aLongSenderLeavesWithAShortSrs0AddressAndItsBounceReachesIt() throws Exception {
    String srs = forwardedReturnPath(stack);
    assertTrue(srs.matches(SHORT_SRS0), srs);
    assertTrue(srs.indexOf('@') <= 64, srs + ": local part of " + srs.indexOf('@') + " octets");
    assertEquals(List.of(LONG_SENDER), bounceRecipients(stack, srs));
    assertEquals(
        List.of(LONG_SENDER),
        bounceRecipients(stack, srs.toLowerCase()),
        "case-smashed by a remote MTA");
    assertEquals(
        "rw-------",
        PosixFilePermissions.toString(Files.getPosixFilePermissions(postwarden.srsStoreFile())));
  }

  @Test
  void aBounceWithAForgedKeyIsRefusedAtRcpt() {
    String srs = forwardedReturnPath(stack);
    String forged = srs.replaceFirst("=1=.", "=1=" + (srs.contains("=1=0") ? "1" : "0"));
    SmtpResult bounced = stack.smtp().from("").to(forged).data("Subject: x\r\n\r\nx\r\n").send();
    assertEquals(SmtpResult.Step.RCPT, bounced.failedStep(), bounced::toString);
    assertEquals(550, bounced.code(), bounced::toString);
  }
}
