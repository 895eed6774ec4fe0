package io.postwarden.audit.tag;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.postwarden.audit.identity.ClientIdentity;
import io.postwarden.audit.identity.ClientKind;
import io.postwarden.audit.process.Submitter;
import io.postwarden.core.policy.MailOrigin;
import io.postwarden.core.policy.Modification;
import io.postwarden.core.policy.Modification.AddHeader;
import io.postwarden.core.policy.Modification.ChangeHeader;
import io.postwarden.core.testing.TestTransaction;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SmarthostHeaderTest {

  final double[] deleted = new double[1];
  final SmarthostHeader authUser = new SmarthostHeader("X-AuthUser", count -> deleted[0] += count);

  @Test
  void saslUsersAndLocalUnixUsersAreNamed() {
    assertEquals(
        List.of(new AddHeader("X-AuthUser", "alice@example.org")),
        authUser.changes(
            AuditHeaderTest.loopback().authenticatedAs("alice@example.org"),
            AuditHeaderTest.FOUND));
    assertEquals(
        List.of(new AddHeader("X-AuthUser", "www-data")),
        authUser.changes(AuditHeaderTest.loopback(), AuditHeaderTest.FOUND),
        "the PHP site's Unix user");
    ClientIdentity cron =
        new ClientIdentity(
            ClientKind.SENDMAIL,
            Optional.empty(),
            Optional.of(new Submitter(1003, "cron", "/var/spool/postfix/maildrop/1")));
    assertEquals(
        List.of(new AddHeader("X-AuthUser", "cron")),
        authUser.changes(
            TestTransaction.from("root@host.example").origin(MailOrigin.NON_SMTPD), cron));
  }

  @Test
  void copiesThatArriveAreDeletedAndUnknownSendersGetNone() {
    // a remote sender, or a hacked site, claiming to be someone the smart host trusts
    TestTransaction forged =
        TestTransaction.from("x@outside.example")
            .client("192.0.2.9", 50000)
            .header("X-AuthUser", " ceo")
            .header("x-authuser", " ceo2");

    assertEquals(
        List.<Modification>of(
            ChangeHeader.delete("x-authuser", 2), ChangeHeader.delete("X-AuthUser", 1)),
        authUser.changes(forged, AuditHeaderTest.REMOTE));
    assertEquals(2, deleted[0], "counted");
    assertEquals(
        List.of(),
        authUser.changes(AuditHeaderTest.loopback(), AuditHeaderTest.NOT_FOUND),
        "a local client whose user is unknown is not named");
    assertEquals(2, deleted[0], "nothing deleted, nothing counted");
  }

  @Test
  void aLoginIsWrittenPrintableAndBounded() {
    List<Modification> changes =
        authUser.changes(
            AuditHeaderTest.loopback().authenticatedAs("eve\r\nBcc: x@y;" + "a".repeat(400)),
            AuditHeaderTest.REMOTE);

    AddHeader added = (AddHeader) changes.get(0);
    assertEquals("eve__Bcc:_x@y_" + "a".repeat(SmarthostHeader.MAX_VALUE - 14), added.value());
  }
}
