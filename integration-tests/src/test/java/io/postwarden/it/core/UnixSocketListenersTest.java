package io.postwarden.it.core;

import static org.junit.jupiter.api.Assertions.*;

import io.postwarden.it.RunningPostwarden;
import io.postwarden.it.harness.MailStack;
import io.postwarden.it.harness.ReceivedMessage;
import io.postwarden.it.harness.SmtpResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Debian package's listeners through a real Postfix: unix sockets in
 * queue_directory/postwarden, group postfix, mode 0660, named in main.cf relative to
 * queue_directory. smtpd runs chrooted there (as in Debian's master.cf), cleanup does not: the same
 * relative names serve both.
 */
class UnixSocketListenersTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  @RegisterExtension
  @Order(1)
  static final MailStack stack =
      MailStack.builder()
          .chrootSmtpd()
          .milter("unix:postwarden/milter.sock")
          .nonSmtpdMilter(() -> "unix:postwarden/non-smtpd.sock")
          .allowNonRootSendmail()
          .build();

  @RegisterExtension
  @Order(2)
  static final RunningPostwarden postwarden =
      new RunningPostwarden("").onUnixSockets(() -> stack.queueDirectory().resolve("postwarden"));

  private static Path socket(String endpoint) {
    return Path.of(endpoint.substring("unix:".length()));
  }

  /** The audit header without its signature (its last field). */
  private static String signedClaims(ReceivedMessage message) {
    String header = message.headers().all("X-Postwarden-Audit").get(0);
    assertTrue(header.matches(".*; sig=[0-9A-Z]{16}"), header);
    return header.substring(0, header.lastIndexOf("; sig="));
  }

  @Test
  void theSocketsBelongToGroupPostfixAndNobodyElse() throws Exception {
    for (String endpoint : List.of(postwarden.smtpdEndpoint(), postwarden.nonSmtpdEndpoint())) {
      PosixFileAttributes socket =
          Files.readAttributes(socket(endpoint), PosixFileAttributes.class);
      assertEquals("postfix", socket.group().getName(), endpoint);
      assertEquals("rw-rw----", PosixFilePermissions.toString(socket.permissions()), endpoint);
    }
  }

  @Test
  void smtpThroughAChrootedSmtpdReachesPostwarden() throws Exception {
    SmtpResult refused =
        stack
            .smtp()
            .from("ann@outside.example")
            .to("bob@test.example")
            .data("Subject: anonymous\r\n\r\nhi\r\n")
            .send();
    assertEquals(530, refused.code(), refused::toString);

    SmtpResult accepted =
        stack
            .submission()
            .auth("alice", "secret")
            .from("alice@test.example")
            .to("bob@outside.example")
            .data("Subject: through the socket\r\n\r\nhi\r\n")
            .send();
    assertTrue(accepted.accepted(), accepted::toString);
    ReceivedMessage message = stack.sink().awaitMessage(WAIT);
    assertTrue(signedClaims(message).endsWith("; sasl=alice"), message::toString);
  }

  @Test
  void sendmailIsTaggedWithItsSubmitterFoundThroughSoPeercred() throws Exception {
    assertTrue(
        stack
            .sendmail()
            .asUser("nobody")
            .from("shop@test.example")
            .to("admin@far.example")
            .message("Subject: who sent this\n\nhi\n")
            .send()
            .ok());
    ReceivedMessage message = stack.sink().awaitMessage(WAIT);
    assertTrue(signedClaims(message).endsWith("; via=sendmail; user=nobody"), message::toString);
    String id = message.headers().all("X-Postwarden-Audit").get(0).substring(3, 19);
    String record = auditRecord(id);
    assertTrue(
        record.contains("\"submitter\":{\"uid\":65534,\"user\":\"nobody\",\"maildrop_file\":\""),
        record);
  }

  @Test
  void headersNeedNoReplyOnTheseSocketsAndEveryOneIsStillSeen() throws Exception {
    // negotiated here (no Nagle on a unix socket): Postfix streams the headers without waiting
    StringBuilder headers =
        new StringBuilder("X-Postwarden-Audit: id=FORGEDFORGEDFORG; sasl=ceo\r\n");
    for (int i = 1; i <= 30; i++) {
      headers.append("X-Filler-").append(i).append(": value ").append(i).append("\r\n");
    }
    SmtpResult accepted =
        stack
            .submission()
            .auth("alice", "secret")
            .from("alice@test.example")
            .to("bob@outside.example")
            .data(headers + "Subject: many headers\r\n\r\nhi\r\n")
            .send();
    assertTrue(accepted.accepted(), accepted::toString);
    ReceivedMessage message = stack.sink().awaitMessage(WAIT);
    List<String> tags = message.headers().all("X-Postwarden-Audit");
    assertEquals(1, tags.size(), "the forged copy was seen and deleted: " + tags);
    assertTrue(signedClaims(message).endsWith("; sasl=alice"), message::toString);
    for (int i = 1; i <= 30; i++) {
      assertEquals(
          List.of("value " + i), message.headers().all("X-Filler-" + i), "header " + i + " kept");
    }
  }

  @Test
  void anAbsoluteNameIsResolvedInsideTheChrootAndSoFailsForAnUnchrootedCleanup() throws Exception {
    // Postfix 3.7: a chrooted smtpd finds /postwarden/milter.sock inside queue_directory ...
    stack.useMilters("unix:/postwarden/milter.sock", "unix:/postwarden/non-smtpd.sock");
    SmtpResult accepted =
        stack
            .submission()
            .auth("alice", "secret")
            .from("alice@test.example")
            .to("bob@outside.example")
            .data("Subject: absolute\r\n\r\nhi\r\n")
            .send();
    assertTrue(accepted.accepted(), accepted::toString);
    assertTrue(stack.sink().awaitMessage(WAIT).headers().first("X-Postwarden-Audit").isPresent());
    // ... while cleanup, not chrooted, looks for it in the real root and tempfails (the mail waits
    // in maildrop)
    assertTrue(
        stack
            .sendmail()
            .from("root@test.example")
            .to("admin@far.example")
            .message("Subject: x\n\nhi\n")
            .send()
            .ok());
    stack.awaitMaillog("/postwarden/non-smtpd.sock: No such file or directory");
    assertEquals("maildrop", stack.queue().get(0).queueName());
  }

  @Test
  void anotherLocalUserCannotConnectButPostfixCan() throws Exception {
    assertEquals("PermissionError", connectAs("nobody", "nogroup", postwarden.smtpdEndpoint()));
    assertEquals("PermissionError", connectAs("nobody", "nogroup", postwarden.nonSmtpdEndpoint()));
    assertEquals("O", connectAs("postfix", "postfix", postwarden.smtpdEndpoint()));
  }

  private static String auditRecord(String auditId) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      if (Files.exists(postwarden.auditLog())) {
        for (String line : Files.readAllLines(postwarden.auditLog())) {
          if (line.contains(auditId)) {
            return line;
          }
        }
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no audit record " + auditId + " in " + postwarden.auditLog());
  }

  /**
   * Connects as {@code user}, offers option negotiation; the reply's command letter, or the error's
   * class name.
   */
  private static String connectAs(String user, String group, String endpoint) throws Exception {
    String python =
        String.join(
            "\n",
            "import socket, struct, sys",
            "try:",
            "    s = socket.socket(socket.AF_UNIX)",
            "    s.settimeout(5)",
            "    s.connect(sys.argv[1])",
            "    s.sendall(struct.pack('>IcIII', 13, b'O', 6, 0x1FF, 0x1FFFFF))",
            "    print(s.recv(5)[4:5].decode())",
            "except OSError as e:",
            "    print(type(e).__name__)");
    Process process =
        new ProcessBuilder(
                "setpriv",
                "--reuid=" + user,
                "--regid=" + group,
                "--init-groups",
                "/usr/bin/python3",
                "-c",
                python,
                socket(endpoint).toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes()).strip();
    assertEquals(0, process.waitFor(), output);
    return output;
  }
}
