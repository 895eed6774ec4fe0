package io.postwarden.it.srs;

import static org.junit.jupiter.api.Assertions.*;

import io.postwarden.deploy.Modules;
import io.postwarden.it.RunningPostwarden;
import io.postwarden.it.harness.MailStack;
import io.postwarden.it.harness.ReceivedMessage;
import io.postwarden.it.harness.RemoteNetwork;
import io.postwarden.it.harness.SmtpResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A site coming from PostSRSd, inside its migration window: hash-minimum = 4 so PostSRSd's
 * outstanding 4-character addresses still reverse. Short hashes are where guessing pays, so the
 * guess throttle must hold here. Deployed as the README says: every other policy at its default,
 * bounces from remote hosts.
 */
class SrsMigrationWindowTest {

  private static final String SRS_DOMAIN = "srs.test.example";
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String BOUNCE = "Subject: bounce\r\n\r\nx\r\n";

  static final Path secrets = secret();

  @RegisterExtension
  @Order(2)
  static final RunningPostwarden postwarden =
      new RunningPostwarden(
          () ->
              "srs-domain = "
                  + SRS_DOMAIN
                  + "\ndomains = { test.example }\nsecrets-file = \""
                  + secrets
                  + "\"\nhash-minimum = 4\n"
                  + "srs-throttle-after = 3\npostfix-config-dir = \"\"\n",
          Modules::policies);

  @RegisterExtension
  @Order(1)
  static final MailStack stack =
      MailStack.builder()
          .milter(postwarden::smtpdEndpoint)
          .nonSmtpdMilter(postwarden::nonSmtpdEndpoint)
          .mainCf("relay_domains", SRS_DOMAIN)
          .remoteHosts()
          .build();

  private static Path secret() {
    try {
      return Files.writeString(Files.createTempFile("srs", ".secret"), "postsrsd-era-secret\n");
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @AfterAll
  static void removeSecret() throws IOException {
    Files.deleteIfExists(secrets);
  }

  private static String issuedByPostSrsd() throws IOException {
    try (PostSrsd postsrsd = new PostSrsd(secrets, SRS_DOMAIN)) {
      return postsrsd.forward("ann@outside.example");
    }
  }

  @Test
  void bounceToAnAddressPostSrsdHandedOutIsReversed() throws Exception {
    String issued = issuedByPostSrsd();
    assertTrue(issued.matches("SRS0=.{4}=.*"), issued);
    assertTrue(
        stack.smtpFrom(stack.remote().mta()).from("").to(issued).data(BOUNCE).send().accepted());
    ReceivedMessage bounce = stack.sink().awaitMessage(WAIT);
    assertEquals(List.of("ann@outside.example"), bounce.recipients());
  }

  @Test
  void aClientGuessingHashesStopsLearningWhichGuessWasRight() throws Exception {
    String genuine = issuedByPostSrsd();
    RemoteNetwork.Host guesser = stack.remote().host(4);
    for (String guess : List.of("AAAA", "BBBB", "CCCC")) {
      SmtpResult wrong =
          stack
              .smtpFrom(guesser)
              .from("")
              .to(genuine.replaceFirst("^SRS0=....", "SRS0=" + guess))
              .data(BOUNCE)
              .send();
      assertEquals(550, wrong.code(), wrong::toString);
    }
    SmtpResult right = stack.smtpFrom(guesser).from("").to(genuine).data(BOUNCE).send();
    SmtpResult another =
        stack
            .smtpFrom(guesser)
            .from("")
            .to(genuine.replaceFirst("^SRS0=....", "SRS0=DDDD"))
            .data(BOUNCE)
            .send();
    for (SmtpResult throttled : List.of(right, another)) {
      assertEquals(SmtpResult.Step.RCPT, throttled.failedStep(), throttled::toString);
      assertEquals(451, throttled.code(), throttled::toString);
      assertEquals("4.7.1", throttled.enhancedCode(), throttled::toString);
    }
    assertEquals(right.reply().lines(), another.reply().lines(), "right and wrong answered alike");

    assertTrue(
        stack.smtpFrom(stack.remote().mta()).from("").to(genuine).data(BOUNCE).send().accepted(),
        "other clients' bounces pass");
    assertEquals(List.of("ann@outside.example"), stack.sink().awaitMessage(WAIT).recipients());
  }

  @Test
  void aGuesserSpreadOverOneIpv6Slash64IsOneClient() throws Exception {
    String genuine = issuedByPostSrsd();
    for (int host = 1; host <= 3; host++) {
      SmtpResult wrong =
          stack
              .smtpFrom(stack.remote().hostV6(host))
              .from("")
              .to(genuine.replaceFirst("^SRS0=....", "SRS0=ZZZ" + host))
              .data(BOUNCE)
              .send();
      assertEquals(550, wrong.code(), wrong::toString);
    }
    SmtpResult right =
        stack.smtpFrom(stack.remote().hostV6(4)).from("").to(genuine).data(BOUNCE).send();
    assertEquals(SmtpResult.Step.RCPT, right.failedStep(), right::toString);
    assertEquals(451, right.code(), right::toString);
    assertTrue(
        stack.smtpFrom(stack.remote().mta()).from("").to(genuine).data(BOUNCE).send().accepted(),
        "an IPv4 client's bounce passes");
    assertEquals(List.of("ann@outside.example"), stack.sink().awaitMessage(WAIT).recipients());
  }
}
