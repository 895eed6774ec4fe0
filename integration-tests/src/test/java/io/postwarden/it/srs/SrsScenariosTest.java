package io.postwarden.it.srs;

import static org.junit.jupiter.api.Assertions.*;

import io.postwarden.deploy.Modules;
import io.postwarden.it.RunningPostwarden;
import io.postwarden.it.harness.MailStack;
import io.postwarden.it.harness.ReceivedMessage;
import io.postwarden.it.harness.RemoteNetwork;
import io.postwarden.it.harness.SmtpResult;
import io.postwarden.srs.codec.ForwardResult;
import io.postwarden.srs.codec.SrsCodec;
import io.postwarden.srs.codec.SrsConfig;
import io.postwarden.srs.codec.SrsSecrets;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * SRS end to end through real Postfix, deployed as the README says: every policy at its default
 * (the guard on), mail from remote hosts at their own addresses. Forwarding, bounces, refusals,
 * what keeps its sender, PostSRSd interop.
 */
class SrsScenariosTest {

  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String SRS_DOMAIN = "srs.test.example";
  private static final String SRS0 =
      "SRS0=[A-Za-z0-9_-]{8}=[A-Z2-7]{2}=outside\\.example=ann@srs\\.test\\.example";
  private static final String SECRET = "s3cret-shared-with-postsrsd";

  static final Path secrets = sharedSecret();

  @RegisterExtension
  @Order(2)
  static final RunningPostwarden postwarden =
      new RunningPostwarden(
          () ->
              "srs-domain = "
                  + SRS_DOMAIN
                  + "\n"
                  + "domains = { test.example }\n"
                  + "secrets-file = \""
                  + secrets
                  + "\"\n"
                  + "postfix-config-dir = \""
                  + SrsScenariosTest.stack.postfix().configDir()
                  + "\"\n",
          Modules::policies);

  @RegisterExtension
  @Order(1)
  static final MailStack stack =
      MailStack.builder()
          .milter(postwarden::smtpdEndpoint)
          .nonSmtpdMilter(postwarden::nonSmtpdEndpoint)
          .virtualAlias("info@test.example", "someone@outside.example")
          .mainCf("relay_domains", SRS_DOMAIN)
          .remoteHosts()
          .build();

  private static Path sharedSecret() {
    try {
      return Files.writeString(Files.createTempFile("srs", ".secret"), SECRET + "\n");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @AfterAll
  static void removeSecret() throws Exception {
    Files.deleteIfExists(secrets);
  }

  /** A remote MTA delivers to this server's domains (and SRS addresses); it may not relay. */
  private static RemoteNetwork.Host mta() {
    return stack.remote().mta();
  }

  /** A second mail server of the site, in mynetworks: it relays through this one. */
  private static RemoteNetwork.Host mailServer() {
    return stack.remote().mailServer();
  }

  private static ReceivedMessage send(RemoteNetwork.Host host, String from, String... to) {
    SmtpResult result =
        stack.smtpFrom(host).from(from).to(to).data("Subject: srs\r\n\r\nhello\r\n").send();
    assertTrue(result.accepted(), result::toString);
    return stack.sink().awaitMessage(WAIT);
  }

  private static String forwardedReturnPath() {
    ReceivedMessage forwarded = send(mta(), "ann@outside.example", "info@test.example");
    stack.sink().clear();
    return forwarded.mailFrom();
  }

  @Test
  void messageToAVirtualAliasPointingOffServerLeavesWithAnSrs0ReturnPath() {
    ReceivedMessage message = send(mta(), "ann@outside.example", "info@test.example");
    assertTrue(message.mailFrom().matches(SRS0), message.mailFrom());
    assertEquals(List.of("someone@outside.example"), message.recipients());
  }

  @Test
  void relayedMessageAndAuthenticatedForeignSenderAreRewritten() {
    assertTrue(
        send(mailServer(), "ann@outside.example", "carol@far.example").mailFrom().matches(SRS0));
    stack.sink().clear();
    SmtpResult result =
        stack
            .submissionFrom(stack.remote().client())
            .auth("alice", "secret")
            .from("ann@outside.example")
            .to("carol@far.example")
            .data("Subject: srs\r\n\r\nhi\r\n")
            .send();
    assertTrue(result.accepted(), result::toString);
    assertTrue(stack.sink().awaitMessage(WAIT).mailFrom().matches(SRS0));
  }

  @Test
  void bounceToOurSrsAddressIsDeliveredToTheOriginalSender() {
    String srs = forwardedReturnPath();
    ReceivedMessage bounce = send(mta(), "", srs);
    assertEquals("", bounce.mailFrom());
    assertEquals(List.of("ann@outside.example"), bounce.recipients());
  }

  @Test
  void remoteMtasLowercasingTheAddressDoesNotLoseTheBounce() {
    String srs = forwardedReturnPath().toLowerCase(java.util.Locale.ROOT);
    assertEquals(List.of("ann@outside.example"), send(mta(), "", srs).recipients());
  }

  @Test
  void forgedAndExpiredSrsBouncesAreRefusedAtRcpt() {
    String genuine = forwardedReturnPath();
    String forged = genuine.replaceFirst("^SRS0=....", "SRS0=ZZZZ");
    String expired =
        ((ForwardResult.Rewritten)
                codecAt(daysBefore(genuine, 30)).forward("ann@outside.example", SRS_DOMAIN))
            .address();
    for (String address : List.of(forged, expired)) {
      SmtpResult result =
          stack.smtpFrom(mta()).from("").to(address).data("Subject: bounce\r\n\r\nx\r\n").send();
      assertEquals(SmtpResult.Step.RCPT, result.failedStep(), result::toString);
      assertEquals(550, result.code(), result::toString);
      assertEquals("5.1.1", result.enhancedCode(), result::toString);
    }
    assertTrue(stack.sink().messages().isEmpty());
  }

  @Test
  void localAndOwnDomainMailKeepsItsSender() {
    assertEquals(
        "ann@outside.example", send(mta(), "ann@outside.example", "bob@test.example").mailFrom());
    stack.sink().clear();
    assertEquals(
        "www-data@test.example",
        send(mailServer(), "www-data@test.example", "carol@far.example").mailFrom());
    stack.sink().clear();
    SmtpResult result =
        stack
            .submissionFrom(stack.remote().client())
            .auth("alice", "secret")
            .from("alice@test.example")
            .to("carol@far.example")
            .data("Subject: own\r\n\r\nhi\r\n")
            .send();
    assertTrue(result.accepted(), result::toString);
    assertEquals("alice@test.example", stack.sink().awaitMessage(WAIT).mailFrom());
  }

  @Test
  void mixedLocalAndRemoteRecipientsAreRewrittenForAll() {
    ReceivedMessage message =
        send(mailServer(), "ann@outside.example", "bob@test.example", "carol@far.example");
    assertTrue(message.mailFrom().matches(SRS0), message.mailFrom());
  }

  @Test
  void aLocalForwarderResubmittingThroughSendmailIsRewritten() {
    // what a sieve redirect does: keep the original sender, send to an outside address
    assertTrue(
        stack
            .sendmail("ann@outside.example", "Subject: redirected\n\nhi\n", "someone@far.example")
            .ok());
    ReceivedMessage message = stack.sink().awaitMessage(WAIT);
    assertTrue(message.mailFrom().matches(SRS0), message.mailFrom());
  }

  @Test
  void byDefaultTheFourCharacterHashesPostSrsdWritesAreTooShort() throws Exception {
    try (PostSrsd postsrsd = new PostSrsd(secrets, SRS_DOMAIN)) {
      String issuedByPostSrsd = postsrsd.forward("ann@outside.example");
      SmtpResult result =
          stack
              .smtpFrom(mta())
              .from("")
              .to(issuedByPostSrsd)
              .data("Subject: bounce\r\n\r\nx\r\n")
              .send();
      assertEquals(SmtpResult.Step.RCPT, result.failedStep(), result::toString);
      assertEquals(550, result.code(), result::toString);
    }
  }

  @Test
  void aValidSrsAddressTakesNothingButBounces() {
    String srs = forwardedReturnPath();
    SmtpResult relayAttempt =
        stack
            .smtpFrom(stack.remote().host(4))
            .from("spam@botnet.example")
            .to(srs)
            .data("Subject: cheap pills\r\n\r\nbuy\r\n")
            .send();
    assertEquals(SmtpResult.Step.RCPT, relayAttempt.failedStep(), relayAttempt::toString);
    assertEquals(550, relayAttempt.code(), relayAttempt::toString);
    assertEquals("5.7.1", relayAttempt.enhancedCode(), relayAttempt::toString);
    SmtpResult submitted =
        stack
            .submissionFrom(stack.remote().client())
            .auth("alice", "secret")
            .from("alice@test.example")
            .to(srs)
            .data("Subject: via SASL\r\n\r\nhi\r\n")
            .send();
    assertEquals(550, submitted.code(), submitted::toString);
    stack.awaitQueueEmpty();
    assertTrue(stack.sink().messages().isEmpty(), () -> "relayed: " + stack.sink().messages());
    assertEquals(
        List.of("ann@outside.example"),
        send(mta(), "", srs).recipients(),
        "a bounce still gets through");
  }

  @Test
  void forgedBouncesInFormsPostfixNormalisesAreRefused() {
    String forged = forwardedReturnPath().replaceFirst("^SRS0=........", "SRS0=ZZZZZZZZ");
    String local = forged.substring(0, forged.indexOf('@'));
    List<String> forms =
        List.of(
            forged + ".",
            "\"" + local + "\"@" + SRS_DOMAIN,
            "@relay.example,@b.example:" + forged,
            forged + " (comment)",
            local + "@mx." + SRS_DOMAIN);
    for (int i = 0; i < forms.size(); i++) {
      // each from its own host: the guess throttle is not what this test is about
      SmtpResult result =
          stack
              .smtpFrom(stack.remote().host(5 + i))
              .from("")
              .to(forms.get(i))
              .data("Subject: bounce\r\n\r\nx\r\n")
              .send();
      assertEquals(SmtpResult.Step.RCPT, result.failedStep(), result::toString);
      assertEquals(550, result.code(), result::toString);
    }
    stack.awaitQueueEmpty();
    assertTrue(stack.sink().messages().isEmpty(), () -> "backscatter: " + stack.sink().messages());
  }

  @Test
  void validBouncesInFormsPostfixNormalisesReachTheOriginalSender() {
    String srs = forwardedReturnPath();
    String local = srs.substring(0, srs.indexOf('@'));
    for (String form :
        List.of(srs + ".", "\"" + local + "\"@" + SRS_DOMAIN, "@relay.example:" + srs)) {
      assertEquals(List.of("ann@outside.example"), send(mta(), "", form).recipients(), form);
      stack.sink().clear();
    }
  }

  /**
   * A day {@code days} before the one on which the daemon stamped {@code srs} (its stamp is the day
   * modulo 1024): taken from the daemon's own address, so the test neither reads the wall clock nor
   * depends on today's date.
   */
  static Instant daysBefore(String srs, int days) {
    String stamp = srs.split("=")[2].toUpperCase(Locale.ROOT);
    String base32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    int day = base32.indexOf(stamp.charAt(0)) * 32 + base32.indexOf(stamp.charAt(1));
    return Instant.EPOCH.plus(Duration.ofDays(1024 + day - days));
  }

  static SrsCodec codecAt(Instant instant) {
    SrsSecrets shared = SrsSecrets.of(List.of(SECRET.getBytes(StandardCharsets.US_ASCII)));
    return new SrsCodec(
        SrsConfig.defaults(shared).withHashLength(8, 8), Clock.fixed(instant, ZoneOffset.UTC));
  }
}
