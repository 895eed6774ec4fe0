package io.postwarden.audit.log;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.postwarden.audit.identity.ClientIdentity;
import io.postwarden.audit.identity.ClientKind;
import io.postwarden.audit.process.PeerLookupResult;
import io.postwarden.audit.process.PeerProcess;
import io.postwarden.core.policy.MailOrigin;
import io.postwarden.core.testing.TestTransaction;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The parts of a record that come from the message's headers: attacker's text, kept bounded and
 * escaped.
 */
class AuditRecordsTest {

  static final AuditRecords RECORDS =
      new AuditRecords(Clock.fixed(Instant.parse("2026-11-30T10:00:00Z"), ZoneOffset.UTC));

  static String record(TestTransaction tx) {
    return RECORDS.record("accept", "0123456789ABCDEF", tx, AuditTrailTest.REMOTE, null).toString();
  }

  @Test
  void theMessageIdIsKeptUnfoldedForAuditFind() {
    String line =
        record(
            TestTransaction.from("a@example.org").header("Message-ID", "\r\n <x.1@shop.example>"));

    assertTrue(line.contains(",\"message_id\":\"<x.1@shop.example>\","), line);
    assertFalse(record(TestTransaction.from("a@example.org")).contains("message_id"));
  }

  @Test
  void theClientsWorkingDirectoryIsKeptEscapedAndMarkedWhenCut() {
    TestTransaction tx = TestTransaction.from("shop@shop.example");

    String line =
        RECORDS
            .record(
                "accept", "0123456789ABCDEF", tx, php("/home/www-shop/\n\u001b[2J", false), null)
            .toString();
    String cut =
        RECORDS
            .record("accept", "0123456789ABCDEF", tx, php("/home/www-shop/aaaa", true), null)
            .toString();

    assertTrue(line.contains(",\"cwd\":\"/home/www-shop/\\n\\u001b[2J\"}"), line);
    assertTrue(cut.contains(",\"cwd\":\"/home/www-shop/aaaa\",\"cwd_truncated\":true}"), cut);
    assertFalse(
        RECORDS
            .record("accept", "0123456789ABCDEF", tx, AuditTrailTest.FOUND, null)
            .toString()
            .contains("cwd"),
        "none when it could not be read");
  }

  private static ClientIdentity php(String workingDirectory, boolean truncated) {
    return new ClientIdentity(
        ClientKind.LOCAL_TCP,
        Optional.of(
            new PeerLookupResult.Found(
                new PeerProcess(
                    812,
                    1001,
                    "www-shop",
                    "/usr/sbin/php-fpm8.2",
                    List.of("php-fpm: pool www-shop"),
                    false,
                    "php8.2-fpm.service",
                    workingDirectory,
                    truncated))),
        Optional.empty());
  }

  @Test
  void phpsOriginatingScriptNamesTheScriptEveryCopyKeptBoundedAndEscaped() {
    TestTransaction tx =
        TestTransaction.from("shop@shop.example")
            .origin(MailOrigin.NON_SMTPD)
            .header("X-PHP-Originating-Script", " 1001:wp-content/plugins/x/mailer.php")
            .header("X-PHP-Originating-Script", " 0:\u001b[2Jinnocent.php" + "a".repeat(2000));
    for (int i = 0; i < 10; i++) {
      tx.header("X-PHP-Originating-Script", " 0:flood.php");
    }

    String line = record(tx);

    assertTrue(
        line.endsWith(
            ",\"php_script\":[\"1001:wp-content/plugins/x/mailer.php\",\"0:\\u001b[2Jinnocent.php"
                + "a".repeat(AuditRecords.PHP_SCRIPT_LIMIT - 18)
                + "\",\"0:flood.php\",\"0:flood.php\"]}"),
        line);
    assertFalse(
        record(TestTransaction.from("a@example.org")).contains("php_script"),
        "none when PHP did not say");
  }
}
