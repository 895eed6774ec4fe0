package io.postwarden.it.maps;

import static org.junit.jupiter.api.Assertions.*;

import io.micrometer.core.instrument.Counter;
import io.postwarden.deploy.Modules;
import io.postwarden.it.RunningPostwarden;
import io.postwarden.it.harness.MailStack;
import io.postwarden.it.harness.PostfixSnippets;
import io.postwarden.it.harness.ReceivedMessage;
import io.postwarden.it.harness.SmtpResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The fast-path deployment through real Postfix, built from the shipped snippet and tables
 * (deploy/postfix/main.cf-fastpath.snippet, milter_clients, srs_recipients-fastpath,
 * srs_forward_skip, srs_reverse_skip): remote MTAs skip the milter and get SRS from the canonical
 * maps, refusals at RCPT come from the access maps, local clients keep the milter.
 *
 * <p>Every test client is on loopback, which the shipped milter_clients keeps on the milter. To
 * play remote MTAs, the test puts two lines in front of it: 127.0.0.2 and 127.0.0.3 are "remote"
 * (DISABLE), as any non-local address would be on a real server.
 *
 * <p>The sockets are where the package puts them, named as the snippets name them (relative to
 * queue_directory), with smtpd chrooted as in Debian's master.cf and cleanup not: the access maps
 * (smtpd) and the canonical maps (cleanup) reach the lookup socket through the same name.
 */
class FastPathTest {

  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String SRS_DOMAIN = "srs.test.example";
  private static final String REMOTE_MTA = "127.0.0.2";
  private static final String GUESSING_MTA = "127.0.0.3";
  private static final String SRS0 =
      "SRS0=[A-Za-z0-9_-]{8}=[A-Z2-7]{2}=outside\\.example=ann@srs\\.test\\.example";
  private static final Path TABLES = tablesDir();

  @RegisterExtension
  @Order(1)
  static final MailStack stack =
      fastPath(
              MailStack.builder()
                  .chrootSmtpd()
                  .milter("unix:postwarden/milter.sock")
                  .nonSmtpdMilter(() -> "unix:postwarden/non-smtpd.sock")
                  .mainCf("relay_domains", SRS_DOMAIN))
          .build();

  @RegisterExtension
  @Order(2)
  static final RunningPostwarden postwarden =
      new RunningPostwarden(
              () ->
                  "srs-domain = "
                      + SRS_DOMAIN
                      + "\n"
                      + "domains = { test.example }\npostfix-config-dir = \"\"\n"
                      + "srs-rewrite-in-milter = false\n"
                      + "socketmap = { \"unix:"
                      + socketDirectory().resolve("lookup.sock")
                      + "\" }\n",
              Modules::policies)
          .onUnixSockets(FastPathTest::socketDirectory);

  /** Where the package puts its sockets: queue_directory/postwarden. */
  private static Path socketDirectory() {
    return stack.queueDirectory().resolve("postwarden");
  }

  private static Path tablesDir() {
    try {
      return Files.createTempDirectory("fastpath-tables-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The shipped snippet and tables, with this test's ports, paths and SRS domain. */
  private static MailStack.Builder fastPath(MailStack.Builder builder) {
    Path milterClients = TABLES.resolve("milter_clients");
    Path recipients = TABLES.resolve("srs_recipients-fastpath");
    Path reverseSkip = TABLES.resolve("srs_reverse_skip");
    Path forwardSkip = TABLES.resolve("srs_forward_skip");
    PostfixSnippets.SOURCE.table("milter_clients", Map.of(), milterClients);
    try {
      Files.writeString(
          milterClients,
          REMOTE_MTA
              + "\tDISABLE\n"
              + GUESSING_MTA
              + "\tDISABLE\n"
              + Files.readString(milterClients));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    PostfixSnippets.SOURCE.table(
        "srs_recipients-fastpath",
        Map.of("srs\\.example\\.com", "srs\\.test\\.example"),
        recipients);
    PostfixSnippets.SOURCE.table("srs_reverse_skip", Map.of(), reverseSkip);
    PostfixSnippets.SOURCE.table(
        "srs_forward_skip", Map.of("srs\\.example\\.com", "srs\\.test\\.example"), forwardSkip);
    PostfixSnippets.SOURCE
        .mainCf(
            "main.cf-fastpath.snippet",
            Map.of(
                "/etc/postfix/milter_clients",
                milterClients.toString(),
                "/etc/postfix/srs_recipients-fastpath",
                recipients.toString(),
                "/etc/postfix/srs_reverse_skip",
                reverseSkip.toString(),
                "/etc/postfix/srs_forward_skip",
                forwardSkip.toString()))
        .forEach(builder::mainCf);
    return builder;
  }

  private static double milterSessions() {
    return postwarden.daemon().registry().get("postwarden.sessions").counter().count();
  }

  private static double lookups(String map, String result) {
    Counter counter =
        postwarden
            .daemon()
            .registry()
            .find("postwarden.lookups")
            .tag("map", map)
            .tag("result", result)
            .counter();
    return counter == null ? 0 : counter.count();
  }

  /** Every question to {@code map}, whatever its answer. */
  private static double asked(String map) {
    return postwarden
        .daemon()
        .registry()
        .find("postwarden.lookups")
        .tag("map", map)
        .counters()
        .stream()
        .mapToDouble(Counter::count)
        .sum();
  }

  private static SmtpResult fromRemote(String client, String sender, String recipient) {
    return stack
        .smtp()
        .localAddress(client)
        .from(sender)
        .to(recipient)
        .data("Subject: fast\r\n\r\nhello\r\n")
        .send();
  }

  private static String forwardedReturnPath() {
    SmtpResult result = fromRemote(REMOTE_MTA, "ann@outside.example", "carol@far.example");
    assertTrue(result.accepted(), result::toString);
    String srs = stack.sink().awaitMessage(WAIT).mailFrom();
    stack.sink().clear();
    return srs;
  }

  @Test
  void aRemoteMtasForwardedMailGetsSrsWithoutAMilterSession() {
    double sessions = milterSessions();
    SmtpResult result = fromRemote(REMOTE_MTA, "ann@outside.example", "carol@far.example");
    assertTrue(result.accepted(), result::toString);
    ReceivedMessage message = stack.sink().awaitMessage(WAIT);
    assertTrue(message.mailFrom().matches(SRS0), message.mailFrom());
    assertFalse(message.contentAsString().contains("X-Postwarden-"), "no milter, no audit tag");
    assertFalse(
        message.header("From").isPresent(),
        "Postfix adds no From: for a remote client, so no SRS0 in it");
    assertEquals(sessions, milterSessions(), "the milter never saw the remote client");
    assertTrue(lookups("forward", "found") >= 1);
  }

  @Test
  void aForwardedMessageCostsOneQuestionOverTheSocket() {
    double reverse = asked("reverse");
    double forward = asked("forward");
    SmtpResult result =
        stack
            .smtp()
            .localAddress(REMOTE_MTA)
            .from("ann@outside.example")
            .to("carol@far.example")
            .data("To: carol@far.example\r\nCc: dave@far.example\r\nSubject: fast\r\n\r\nhello\r\n")
            .send();
    assertTrue(result.accepted(), result::toString);
    assertTrue(stack.sink().awaitMessage(WAIT).mailFrom().matches(SRS0));
    stack.sink().clear();
    assertEquals(reverse, asked("reverse"), "srs_reverse_skip answered for every non-SRS address");
    assertEquals(
        forward + 1, asked("forward"), "srs_forward_skip answered for the SRS address it became");
  }

  @Test
  void aBounceFromARemoteMtaGoesBackToTheOriginalSender() {
    String srs = forwardedReturnPath();
    double sessions = milterSessions();
    SmtpResult bounce = fromRemote(REMOTE_MTA, "", srs);
    assertTrue(bounce.accepted(), bounce::toString);
    ReceivedMessage delivered = stack.sink().awaitMessage(WAIT);
    assertEquals(List.of("ann@outside.example"), delivered.recipients());
    assertEquals("", delivered.mailFrom());
    assertEquals(sessions, milterSessions());
    assertTrue(lookups("reverse", "found") >= 1, "the SRS address went to the reverse table");
  }

  @Test
  void forgedAndExpiredLookingSrsRecipientsAreRefusedAtRcpt() {
    String forged = forwardedReturnPath().replaceFirst("^SRS0=........", "SRS0=ZZZZZZZZ");
    for (String recipient :
        List.of(forged, forged.toLowerCase(), "SRS0=short=2W=x.example=y@" + SRS_DOMAIN)) {
      SmtpResult result = fromRemote(REMOTE_MTA, "", recipient);
      assertEquals(SmtpResult.Step.RCPT, result.failedStep(), result::toString);
      assertEquals(550, result.code(), result::toString);
      assertEquals("5.1.1", result.enhancedCode(), result::toString);
      assertTrue(result.reply().toString().contains("Invalid SRS address"), result::toString);
    }
    SmtpResult notSrs = fromRemote(REMOTE_MTA, "", "postmaster@" + SRS_DOMAIN);
    assertEquals(SmtpResult.Step.RCPT, notSrs.failedStep(), notSrs::toString);
    stack.awaitQueueEmpty();
    assertTrue(stack.sink().messages().isEmpty(), () -> "backscatter: " + stack.sink().messages());
  }

  @Test
  void aValidSrsAddressTakesOnlyTheNullSender() {
    String srs = forwardedReturnPath();
    SmtpResult relayAttempt = fromRemote(REMOTE_MTA, "spam@botnet.example", srs);
    assertEquals(SmtpResult.Step.RCPT, relayAttempt.failedStep(), relayAttempt::toString);
    assertEquals(550, relayAttempt.code(), relayAttempt::toString);
    assertEquals("5.7.1", relayAttempt.enhancedCode(), relayAttempt::toString);
    String forged = srs.replaceFirst("^SRS0=........", "SRS0=ZZZZZZZZ");
    SmtpResult forgedAttempt = fromRemote(REMOTE_MTA, "spam@botnet.example", forged);
    assertEquals(
        relayAttempt.reply().toString(),
        forgedAttempt.reply().toString(),
        "a non-null sender learns nothing about the hash");
    stack.awaitQueueEmpty();
    assertTrue(stack.sink().messages().isEmpty(), () -> "relayed: " + stack.sink().messages());
  }

  @Test
  void aRemoteMtaGuessingHashesIsThrottled() {
    String srs = forwardedReturnPath();
    String forged = srs.replaceFirst("^SRS0=........", "SRS0=ZZZZZZZZ");
    for (int i = 0; i < 5; i++) {
      assertEquals(550, fromRemote(GUESSING_MTA, "", forged).code());
    }
    SmtpResult throttled = fromRemote(GUESSING_MTA, "", srs);
    assertEquals(SmtpResult.Step.RCPT, throttled.failedStep(), throttled::toString);
    assertEquals(451, throttled.code(), throttled::toString);
    assertEquals("4.7.1", throttled.enhancedCode(), throttled::toString);
    assertTrue(
        fromRemote(REMOTE_MTA, "", srs).accepted(), "another client's bounce still gets through");
  }

  @Test
  void aLocalUnauthenticatedClientIsStillRefusedByTheGuard() {
    double sessions = milterSessions();
    SmtpResult result =
        stack
            .smtp()
            .from("spam@test.example")
            .to("victim@far.example")
            .data("Subject: spam\r\n\r\nbuy\r\n")
            .send();
    assertEquals(SmtpResult.Step.MAIL, result.failedStep(), result::toString);
    assertEquals(530, result.code(), result::toString);
    assertTrue(milterSessions() > sessions, "the local client had a milter session");
  }

  @Test
  void aLocalSubmissionIsAuditedAndRewrittenOnceByTheMaps() {
    SmtpResult result =
        stack
            .submission()
            .auth("alice", "secret")
            .from("ann@outside.example")
            .to("carol@far.example")
            .data("Subject: via SASL\r\n\r\nhi\r\n")
            .send();
    assertTrue(result.accepted(), result::toString);
    ReceivedMessage message = stack.sink().awaitMessage(WAIT);
    assertTrue(
        message.mailFrom().matches(SRS0), "SRS0 once, not SRS1 of an SRS0: " + message.mailFrom());
    assertTrue(message.contentAsString().contains("X-Postwarden-"), "the milter tagged it");
  }
}
