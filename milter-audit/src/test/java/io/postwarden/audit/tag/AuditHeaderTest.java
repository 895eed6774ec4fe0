package io.postwarden.audit.tag;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.postwarden.audit.identity.ClientIdentity;
import io.postwarden.audit.identity.ClientKind;
import io.postwarden.audit.process.PeerLookupResult;
import io.postwarden.audit.process.PeerLookupResult.Found;
import io.postwarden.audit.process.PeerLookupResult.NotFound;
import io.postwarden.audit.process.PeerLookupResult.OwnerOnly;
import io.postwarden.audit.process.PeerProcess;
import io.postwarden.audit.process.Submitter;
import io.postwarden.audit.tag.AuditHeader.Detail;
import io.postwarden.core.policy.MailOrigin;
import io.postwarden.core.testing.TestTransaction;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AuditHeaderTest {

  static final String ID = "0123456789ABCDEF";
  static final AuditHeader MINIMAL = new AuditHeader(Detail.MINIMAL);
  static final AuditHeader FULL = new AuditHeader(Detail.FULL);

  static final ClientIdentity REMOTE =
      new ClientIdentity(ClientKind.REMOTE, Optional.empty(), Optional.empty());
  static final ClientIdentity LOCAL_NO_LOOKUP =
      new ClientIdentity(ClientKind.LOCAL_TCP, Optional.empty(), Optional.empty());

  static ClientIdentity local(PeerLookupResult result) {
    return new ClientIdentity(ClientKind.LOCAL_TCP, Optional.of(result), Optional.empty());
  }

  static PeerProcess process(String user, String executable, String unit) {
    return new PeerProcess(812, 33, user, executable, List.of("php-fpm: pool www"), false, unit);
  }

  static final ClientIdentity FOUND =
      local(new Found(process("www-data", "/usr/sbin/php-fpm8.2", "php8.2-fpm.service")));
  static final ClientIdentity OWNER_ONLY = local(new OwnerOnly(33, "www-data", "no permission"));
  static final ClientIdentity NOT_FOUND = local(new NotFound("client gone"));

  static TestTransaction loopback() {
    return TestTransaction.from("app@example.org").client("127.0.0.1", 43210);
  }

  @Test
  void saslUser() {
    TestTransaction tx = loopback().authenticatedAs("alice@example.org");

    assertEquals("id=" + ID + "; sasl=alice@example.org", MINIMAL.value(ID, tx, LOCAL_NO_LOOKUP));
    assertEquals(
        "id=" + ID + "; sasl=alice@example.org",
        MINIMAL.value(ID, tx, FOUND),
        "minimal never shows process facts");
    assertEquals(
        "id="
            + ID
            + "; sasl=alice@example.org; uid=33; pid=812; exe=/usr/sbin/php-fpm8.2;"
            + " unit=php8.2-fpm.service",
        FULL.value(ID, tx, FOUND));
    assertEquals(
        "id=" + ID + "; sasl=bob",
        FULL.value(
            ID,
            TestTransaction.from("b@example.org").client("192.0.2.1", 50000).authenticatedAs("bob"),
            REMOTE));
  }

  @Test
  void sendmailSubmission() {
    TestTransaction tx = TestTransaction.from("root@host.example").origin(MailOrigin.NON_SMTPD);

    assertEquals("id=" + ID + "; via=sendmail", MINIMAL.value(ID, tx, REMOTE));
    assertEquals("id=" + ID + "; via=sendmail", FULL.value(ID, tx, REMOTE));
    assertEquals(
        "id=" + ID + "; via=sendmail",
        MINIMAL.value(ID, tx, LOCAL_NO_LOOKUP),
        "sendmail wins over the local-client label");
  }

  @Test
  void sendmailSubmissionWithAKnownSubmitter() {
    TestTransaction tx = TestTransaction.from("alice@host.example").origin(MailOrigin.NON_SMTPD);
    ClientIdentity alice =
        new ClientIdentity(
            ClientKind.SENDMAIL,
            Optional.empty(),
            Optional.of(new Submitter(1000, "alice", "/var/spool/postfix/maildrop/4F2A1")));

    assertEquals("id=" + ID + "; via=sendmail; user=alice", MINIMAL.value(ID, tx, alice));
    assertEquals("id=" + ID + "; via=sendmail; user=alice; uid=1000", FULL.value(ID, tx, alice));
  }

  @Test
  void sendmailSubmitterWithoutANameShowsOnlyTheUidInFull() {
    TestTransaction tx = TestTransaction.from("nobody@host.example").origin(MailOrigin.NON_SMTPD);
    ClientIdentity nameless =
        new ClientIdentity(
            ClientKind.SENDMAIL,
            Optional.empty(),
            Optional.of(new Submitter(4242, null, "/var/spool/postfix/maildrop/4F2A2")));

    assertEquals("id=" + ID + "; via=sendmail", MINIMAL.value(ID, tx, nameless));
    assertEquals("id=" + ID + "; via=sendmail; uid=4242", FULL.value(ID, tx, nameless));
  }

  @Test
  void sendmailSubmitterNameIsSanitised() {
    TestTransaction tx = TestTransaction.from("x@host.example").origin(MailOrigin.NON_SMTPD);
    ClientIdentity odd =
        new ClientIdentity(
            ClientKind.SENDMAIL,
            Optional.empty(),
            Optional.of(new Submitter(1001, "a b;c\u00e9", "/var/spool/postfix/maildrop/4F2A3")));

    assertEquals("id=" + ID + "; via=sendmail; user=a_b_c_", MINIMAL.value(ID, tx, odd));
  }

  @Test
  void localClientWithAFoundProcess() {
    assertEquals("id=" + ID + "; user=www-data", MINIMAL.value(ID, loopback(), FOUND));
    assertEquals(
        "id="
            + ID
            + "; user=www-data; uid=33; pid=812; exe=/usr/sbin/php-fpm8.2; unit=php8.2-fpm.service",
        FULL.value(ID, loopback(), FOUND));
  }

  @Test
  void localClientWithAFoundProcessWhoseUidHasNoName() {
    ClientIdentity nameless = local(new Found(process(null, "/opt/app/bin/app", "app.service")));

    assertEquals("id=" + ID + "; user=unknown", MINIMAL.value(ID, loopback(), nameless));
    assertEquals(
        "id=" + ID + "; user=unknown; uid=33; pid=812; exe=/opt/app/bin/app; unit=app.service",
        FULL.value(ID, loopback(), nameless));
  }

  @Test
  void localClientWithOnlyTheOwner() {
    assertEquals("id=" + ID + "; user=www-data", MINIMAL.value(ID, loopback(), OWNER_ONLY));
    assertEquals("id=" + ID + "; user=www-data; uid=33", FULL.value(ID, loopback(), OWNER_ONLY));
  }

  @Test
  void localClientNotFound() {
    assertEquals("id=" + ID + "; user=unknown", MINIMAL.value(ID, loopback(), NOT_FOUND));
    assertEquals("id=" + ID + "; user=unknown", FULL.value(ID, loopback(), NOT_FOUND));
  }

  @Test
  void localClientWithLookupsOff() {
    assertEquals("id=" + ID + "; user=unknown", MINIMAL.value(ID, loopback(), LOCAL_NO_LOOKUP));
    assertEquals("id=" + ID + "; user=unknown", FULL.value(ID, loopback(), LOCAL_NO_LOOKUP));
  }

  @Test
  void remoteClient() {
    TestTransaction tx = TestTransaction.from("someone@example.net").client("192.0.2.1", 50000);

    assertEquals("id=" + ID + "; via=smtp", MINIMAL.value(ID, tx, REMOTE));
    assertEquals("id=" + ID + "; via=smtp", FULL.value(ID, tx, REMOTE));
  }

  @Test
  void semicolonsAndSpacesCannotForgeFields() {
    TestTransaction tx = loopback().authenticatedAs("alice; user=root");

    assertEquals("id=" + ID + "; sasl=alice__user=root", MINIMAL.value(ID, tx, REMOTE));
  }

  @Test
  void controlCharactersCannotBreakTheHeader() {
    TestTransaction tx = loopback().authenticatedAs("eve\r\nBcc: all@example.org\tx\u0000\u007f");

    assertEquals(
        "id=" + ID + "; sasl=eve__Bcc:_all@example.org_x__", MINIMAL.value(ID, tx, REMOTE));
  }

  @Test
  void eightBitCharactersBecomeUnderscores() {
    // octet strings: one char per byte, so UTF-8 "é" arrives as two chars 0xC3 0xA9
    ClientIdentity identity =
        local(
            new Found(
                process(
                    "j\u00c3\u00a9r\u00f4me",
                    "/home/j/bin/my tool (deleted)",
                    "user@1000.service;evil=1")));

    assertEquals("id=" + ID + "; user=j__r_me", MINIMAL.value(ID, loopback(), identity));
    assertEquals(
        "id="
            + ID
            + "; user=j__r_me; uid=33; pid=812; exe=/home/j/bin/my_tool_(deleted);"
            + " unit=user@1000.service_evil=1",
        FULL.value(ID, loopback(), identity));
  }

  @Test
  void printableAsciiPassesUntouched() {
    StringBuilder printable = new StringBuilder();
    for (char c = 0x21; c < 0x7f; c++) {
      if (c != ';') {
        printable.append(c);
      }
    }
    TestTransaction tx = loopback().authenticatedAs(printable.toString());

    assertEquals("id=" + ID + "; sasl=" + printable, MINIMAL.value(ID, tx, REMOTE));
  }
}
