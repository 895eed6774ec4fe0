package io.postwarden.it.audit;

import static io.postwarden.it.audit.AuditRecordsFile.awaitRecord;
import static org.junit.jupiter.api.Assertions.*;

import io.postwarden.it.RunningPostwarden;
import io.postwarden.it.harness.MailStack;
import io.postwarden.it.harness.ReceivedMessage;
import io.postwarden.it.harness.SmtpResult;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code guard = false} through real Postfix: nothing is refused, and the audit trail says what the
 * guard saw.
 */
class GuardOffTest {

  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final Pattern AUDIT_ID = Pattern.compile("^id=([0-9A-Z]{16})");

  @RegisterExtension
  @Order(2)
  static final RunningPostwarden postwarden = new RunningPostwarden("guard = false\n");

  @RegisterExtension
  @Order(1)
  static final MailStack stack =
      MailStack.builder()
          .milter(postwarden::smtpdEndpoint)
          .nonSmtpdMilter(postwarden::nonSmtpdEndpoint)
          .build();

  private static String recordOf(ReceivedMessage message) throws Exception {
    Matcher id = AUDIT_ID.matcher(message.headers().all("X-Postwarden-Audit").get(0).trim());
    assertTrue(id.find(), message::toString);
    return awaitRecord(postwarden.auditLog(), line -> line.contains(id.group(1)), WAIT);
  }

  @Test
  void unauthenticatedLocalMailIsAcceptedAndRecordedAsWouldRefuse() throws Exception {
    SmtpResult result =
        stack
            .smtp()
            .from("app@shop.example")
            .to("friend@far.example")
            .data("Subject: hi\r\n\r\nhello\r\n")
            .send();
    assertTrue(result.accepted(), result::toString);

    String record = recordOf(stack.sink().awaitMessage(WAIT));
    assertTrue(record.contains("\"event\":\"accept\""), record);
    assertTrue(record.contains("\"decision\":\"would_refuse\""), record);
    assertEquals(
        1,
        postwarden
            .daemon()
            .registry()
            .get("postwarden.guard.decisions")
            .tags("decision", "would_refuse", "client", "local_tcp")
            .counter()
            .count());
  }

  @Test
  void authenticatedMailIsRecordedAsAuthenticated() throws Exception {
    SmtpResult result =
        stack
            .submission()
            .auth("alice", "secret")
            .from("alice@test.example")
            .to("friend@far.example")
            .data("Subject: hi\r\n\r\nhello\r\n")
            .send();
    assertTrue(result.accepted(), result::toString);

    String record = recordOf(stack.sink().awaitMessage(WAIT));
    assertTrue(record.contains("\"decision\":\"authenticated\""), record);
  }
}
