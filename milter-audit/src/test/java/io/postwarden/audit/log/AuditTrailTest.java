package io.postwarden.audit.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.postwarden.audit.guard.GuardDecision;
import io.postwarden.audit.identity.ClientIdentity;
import io.postwarden.audit.identity.ClientKind;
import io.postwarden.audit.process.PeerLookupResult;
import io.postwarden.audit.process.PeerLookupResult.Found;
import io.postwarden.audit.process.PeerLookupResult.NotFound;
import io.postwarden.audit.process.PeerLookupResult.OwnerOnly;
import io.postwarden.audit.process.PeerProcess;
import io.postwarden.audit.process.Submitter;
import io.postwarden.core.policy.MailOrigin;
import io.postwarden.core.testing.TestTransaction;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class AuditTrailTest {

  static final String CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  static final Pattern ID = Pattern.compile("[0-9A-HJKMNP-TV-Z]{16}");
  static final String TIME = "2026-11-25T10:00:00Z";

  static final ClientIdentity FOUND =
      new ClientIdentity(
          ClientKind.LOCAL_TCP,
          Optional.of(
              new Found(
                  new PeerProcess(
                      812,
                      33,
                      "www-data",
                      "/usr/sbin/php-fpm8.2",
                      List.of("php-fpm: pool www", "-R"),
                      false,
                      "php8.2-fpm.service"))),
          Optional.empty());
  static final ClientIdentity OWNER_ONLY =
      new ClientIdentity(
          ClientKind.LOCAL_TCP,
          Optional.of(new OwnerOnly(33, "www-data", "no permission to read /proc/812/fd")),
          Optional.empty());
  static final ClientIdentity NOT_FOUND =
      new ClientIdentity(
          ClientKind.LOCAL_TCP,
          Optional.<PeerLookupResult>of(new NotFound("no socket 127.0.0.1:43210 -> 127.0.0.1:25")),
          Optional.empty());
  static final ClientIdentity REMOTE =
      new ClientIdentity(ClientKind.REMOTE, Optional.empty(), Optional.empty());

  // one log for the class: closing waits for the writer's poll, so it is done once
  static ByteArrayOutputStream bytes;
  static AuditLog log;
  static AuditTrail trail;

  @BeforeAll
  static void openLog() {
    bytes = new ByteArrayOutputStream();
    log = AuditLog.toStream(new PrintStream(bytes, false, StandardCharsets.US_ASCII));
    trail = new AuditTrail(log, new AuditRecords(Clock.fixed(Instant.parse(TIME), ZoneOffset.UTC)));
  }

  @AfterAll
  static void closeLog() {
    trail.close();
  }

  /** The record carrying {@code id}, once the writer has written it. */
  static String recordOf(String id) throws InterruptedException {
    String key = "\"audit_id\":\"" + id + "\"";
    long deadline = System.nanoTime() + 2_000_000_000L;
    while (System.nanoTime() < deadline) {
      for (String line : bytes.toString(StandardCharsets.US_ASCII).split("\n")) {
        if (line.contains(key)) {
          return line;
        }
      }
      Thread.sleep(5);
    }
    throw new AssertionError("no record with audit id " + id);
  }

  static TestTransaction loopback() {
    return TestTransaction.from("app@example.org")
        .to("a@example.net", "b@example.net")
        .client("127.0.0.1", 43210);
  }

  static final String LOOPBACK_SESSION =
      ",\"origin\":\"smtp\",\"client\":\"127.0.0.1:43210\","
          + "\"client_name\":\"unknown\",\"helo\":\"test.example\",\"sender\":\"app@example.org\","
          + "\"recipients\":[\"a@example.net\",\"b@example.net\"],";

  static String head(String event, String id) {
    return "{\"time\":\""
        + TIME
        + "\",\"event\":\""
        + event
        + "\",\"audit_id\":\""
        + id
        + "\",\"queue_id\":\"TESTQID\"";
  }

  @Test
  void idsAreSixteenCrockfordBase32CharactersAndUnique() {
    AuditTrail ids = new AuditTrail(null, null);
    Set<String> seen = new HashSet<>();
    List<Set<Character>> perPosition = new java.util.ArrayList<>();
    for (int i = 0; i < 16; i++) {
      perPosition.add(new HashSet<>());
    }
    for (int i = 0; i < 10_000; i++) {
      String id = ids.newId();
      assertTrue(ID.matcher(id).matches(), id);
      assertTrue(seen.add(id), "duplicate id " + id);
      for (int p = 0; p < 16; p++) {
        perPosition.get(p).add(id.charAt(p));
      }
    }
    // 80 random bits: every position takes every symbol (a stuck bit would leave half of them out)
    for (int p = 0; p < 16; p++) {
      assertEquals(CROCKFORD.length(), perPosition.get(p).size(), "symbols seen at position " + p);
    }
  }

  @Test
  void acceptedRecordOfALocalClientCarriesTheProcessFacts() throws InterruptedException {
    String id = trail.accepted(loopback(), FOUND, GuardDecision.ALLOWED_USER);

    assertTrue(ID.matcher(id).matches(), id);
    assertEquals(
        head("accept", id)
            + LOOPBACK_SESSION
            + "\"local\":true,\"client_kind\":\"local_tcp\",\"decision\":\"allowed_user\","
            + "\"process\":{\"lookup\":\"found\",\"pid\":812,\"uid\":33,"
            + "\"user\":\"www-data\",\"executable\":\"/usr/sbin/php-fpm8.2\","
            + "\"command_line\":[\"php-fpm: pool www\",\"-R\"],\"command_line_truncated\":false,"
            + "\"unit\":\"php8.2-fpm.service\"}}",
        recordOf(id));
  }

  @Test
  void refusedRecordCarriesTheOwnerAndWhyTheProcessIsUnknown() throws InterruptedException {
    String id = trail.refused(loopback(), OWNER_ONLY, GuardDecision.REFUSED);

    assertEquals(
        head("refuse", id)
            + LOOPBACK_SESSION
            + "\"local\":true,\"client_kind\":\"local_tcp\",\"decision\":\"refused\","
            + "\"process\":{\"lookup\":\"owner_only\",\"uid\":33,"
            + "\"user\":\"www-data\",\"reason\":\"no permission to read /proc/812/fd\"}}",
        recordOf(id));
  }

  @Test
  void ownerWithoutAUserNameOmitsTheName() throws InterruptedException {
    ClientIdentity nameless =
        new ClientIdentity(
            ClientKind.LOCAL_TCP,
            Optional.of(new OwnerOnly(4242, null, "no permission")),
            Optional.empty());
    String id = trail.refused(loopback(), nameless, GuardDecision.REFUSED);

    assertTrue(
        recordOf(id)
            .endsWith(
                "\"process\":{\"lookup\":\"owner_only\",\"uid\":4242,\"reason\":\"no permission\"}}"),
        recordOf(id));
  }

  @Test
  void refusedRecordCarriesTheLookupReasonWhenNothingWasFound() throws InterruptedException {
    String id = trail.refused(loopback(), NOT_FOUND, GuardDecision.REFUSED);

    assertTrue(recordOf(id).startsWith(head("refuse", id)), recordOf(id));
    assertTrue(
        recordOf(id)
            .endsWith(
                "\"local\":true,\"client_kind\":\"local_tcp\",\"decision\":\"refused\","
                    + "\"process\":{\"lookup\":\"not_found\","
                    + "\"reason\":\"no socket 127.0.0.1:43210 -> 127.0.0.1:25\"}}"),
        recordOf(id));
  }

  @Test
  void remoteAuthenticatedRecordHasNoProcess() throws InterruptedException {
    TestTransaction tx =
        TestTransaction.from("alice@example.org")
            .to("x@example.net")
            .client("2001:db8::7", 50000)
            .authenticatedAs("alice");
    String id = trail.accepted(tx, REMOTE, GuardDecision.AUTHENTICATED);

    assertEquals(
        head("accept", id)
            + ",\"origin\":\"smtp\",\"client\":\"[2001:db8:0:0:0:0:0:7]:50000\","
            + "\"client_name\":\"unknown\",\"helo\":\"test.example\",\"sasl_user\":\"alice\","
            + "\"sender\":\"alice@example.org\",\"recipients\":[\"x@example.net\"],\"local\":false,"
            + "\"client_kind\":\"remote\",\"decision\":\"authenticated\"}",
        recordOf(id));
  }

  @Test
  void sendmailRecordWithoutADecision() throws InterruptedException {
    TestTransaction tx = TestTransaction.from("").to("root@localhost").origin(MailOrigin.NON_SMTPD);
    String id =
        trail.accepted(
            tx, new ClientIdentity(ClientKind.SENDMAIL, Optional.empty(), Optional.empty()), null);

    assertEquals(
        head("accept", id)
            + ",\"origin\":\"sendmail\",\"client\":\"unknown\",\"client_name\":\"unknown\","
            + "\"helo\":\"test.example\",\"sender\":\"\",\"recipients\":[\"root@localhost\"],\"local\":false,"
            + "\"client_kind\":\"sendmail\"}",
        recordOf(id));
  }

  @Test
  void sendmailRecordCarriesTheSubmitter() throws InterruptedException {
    TestTransaction tx =
        TestTransaction.from("alice@host.example")
            .to("bob@example.net")
            .origin(MailOrigin.NON_SMTPD);
    ClientIdentity submitted =
        new ClientIdentity(
            ClientKind.SENDMAIL,
            Optional.empty(),
            Optional.of(new Submitter(1000, "alice", "/var/spool/postfix/maildrop/4F2A1")));
    String id = trail.accepted(tx, submitted, GuardDecision.LOCAL_SUBMISSION);

    assertEquals(
        head("accept", id)
            + ",\"origin\":\"sendmail\",\"client\":\"unknown\",\"client_name\":\"unknown\","
            + "\"helo\":\"test.example\",\"sender\":\"alice@host.example\",\"recipients\":[\"bob@example.net\"],"
            + "\"local\":false,\"client_kind\":\"sendmail\",\"decision\":\"local_submission\","
            + "\"submitter\":{\"uid\":1000,\"user\":\"alice\","
            + "\"maildrop_file\":\"/var/spool/postfix/maildrop/4F2A1\"}}",
        recordOf(id));
  }

  @Test
  void aHeldMessageIsRecordedAsHeldWithTheLimitThatHeldIt() throws InterruptedException {
    TestTransaction tx =
        TestTransaction.from("wp@shop.example").to("x@example.net").origin(MailOrigin.NON_SMTPD);
    ClientIdentity submitted =
        new ClientIdentity(
            ClientKind.SENDMAIL,
            Optional.empty(),
            Optional.of(new Submitter(1000, "www-shop", "/var/spool/postfix/maildrop/4F2A1")));
    new HoldNote("unix:www-shop", "recipients 100/1m").attachTo(tx);
    String id = trail.accepted(tx, submitted, GuardDecision.LOCAL_SUBMISSION);

    assertTrue(recordOf(id).startsWith(head("hold", id)), recordOf(id));
    assertTrue(
        recordOf(id)
            .endsWith(",\"held\":{\"key\":\"unix:www-shop\",\"limit\":\"recipients 100/1m\"}}"),
        recordOf(id));
  }

  @Test
  void eightBitEnvelopeSurvivesAsEscapes() throws InterruptedException {
    // octet string: UTF-8 "é" is the chars 0xC3 0xA9
    TestTransaction tx =
        TestTransaction.from("j\u00c3\u00a9r\u00c3\u00b4me@example.org")
            .to("\"q\"@example.net")
            .client("192.0.2.1", 50000);
    String id = trail.accepted(tx, REMOTE, GuardDecision.NOT_LOCAL);

    String record = recordOf(id);
    assertTrue(
        record.contains("\"sender\":\"j\\u00c3\\u00a9r\\u00c3\\u00b4me@example.org\""), record);
    assertTrue(record.contains("\"recipients\":[\"\\\"q\\\"@example.net\"]"), record);
  }

  @Test
  void eachDecisionGetsItsOwnId() {
    String first = trail.accepted(loopback(), FOUND, GuardDecision.ALLOWED_USER);
    String second = trail.accepted(loopback(), FOUND, GuardDecision.ALLOWED_USER);
    assertTrue(!first.equals(second), first + " twice");
  }
}
