package io.postwarden.it.maps;

import static org.junit.jupiter.api.Assertions.*;

import io.postwarden.it.RunningPostwarden;
import io.postwarden.it.harness.MailStack;
import io.postwarden.it.harness.Ports;
import io.postwarden.it.harness.ReceivedMessage;
import io.postwarden.it.harness.SmtpResult;
import io.postwarden.it.srs.PostSrsd;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An existing PostSRSd main.cf, unchanged but for the ports, against Postwarden's lookup tables
 * through real Postfix (no milter at all): PostSRSd 1.x's tcp_table lines and PostSRSd 2's
 * socketmap lines (inet and unix). With PostSRSd 1.10's hash settings (4 characters, base64) and
 * its secret, Postwarden answers as Debian's postsrsd 1.10 does, which runs beside it here for
 * comparison.
 */
class PostSrsdMainCfTest {

  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String SRS_DOMAIN = "srs.test.example";
  private static final String SECRET = "s3cret-shared-with-postsrsd";
  private static final int FORWARD_PORT = Ports.freePort();
  private static final int REVERSE_PORT = Ports.freePort();
  private static final int SOCKETMAP_PORT = Ports.freePort();
  private static final Path STATE = stateDir();
  private static final Path SECRETS = STATE.resolve("postsrsd.secret");
  private static final Path SOCKET = STATE.resolve("srs.sock");

  @RegisterExtension
  @Order(2)
  static final RunningPostwarden postwarden =
      new RunningPostwarden(
          "srs-domain = "
              + SRS_DOMAIN
              + "\n"
              + "domains = { test.example }\nsecrets-file = \""
              + SECRETS
              + "\"\npostfix-config-dir = \"\"\n"
              + "hash-length = 4\nhash-minimum = 4\nhash-alphabet = base64\n"
              + "tcp-table = { \"forward=inet:127.0.0.1:"
              + FORWARD_PORT
              + "\", \"reverse=inet:127.0.0.1:"
              + REVERSE_PORT
              + "\" }\nsocketmap = { \"inet:127.0.0.1:"
              + SOCKETMAP_PORT
              + "\", \"unix:"
              + SOCKET
              + "\" }\n");

  /** PostSRSd 1.x's README, ports aside. */
  @RegisterExtension
  @Order(1)
  static final MailStack stack =
      MailStack.builder()
          .mainCf("relay_domains", SRS_DOMAIN)
          .mainCf("sender_canonical_maps", "tcp:127.0.0.1:" + FORWARD_PORT)
          .mainCf("sender_canonical_classes", "envelope_sender")
          .mainCf("recipient_canonical_maps", "tcp:127.0.0.1:" + REVERSE_PORT)
          .mainCf("recipient_canonical_classes", "envelope_recipient,header_recipient")
          .build();

  private static Path stateDir() {
    try {
      // Postfix's processes (user postfix) must reach the socket; the secrets file itself stays
      // private
      Path dir =
          Files.createTempDirectory(
              "postsrsd-maincf-",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
      Path secrets = Files.writeString(dir.resolve("postsrsd.secret"), SECRET + "\n");
      Files.setPosixFilePermissions(secrets, PosixFilePermissions.fromString("rw-------"));
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @AfterAll
  static void removeState() throws IOException {
    Files.deleteIfExists(SECRETS);
    Files.deleteIfExists(SOCKET);
    Files.deleteIfExists(STATE);
  }

  /** One tcp_table request as Postfix sends it, the raw reply line. */
  private static String tcpTable(int port, String key) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(5000);
      socket
          .getOutputStream()
          .write(("get " + PostSrsd.hexQuoted(key) + "\n").getBytes(StandardCharsets.ISO_8859_1));
      return new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1))
          .readLine();
    }
  }

  /** What Postfix makes of a reply: the value for 200, "not found" for 5xx. */
  private static String asPostfixReads(String reply) {
    return reply.startsWith("200 ")
        ? reply.substring(4)
        : reply.startsWith("5") ? "(not found)" : "(error) " + reply;
  }

  private static ReceivedMessage send(String from, String to) {
    SmtpResult result = stack.smtp().from(from).to(to).data("Subject: srs\r\n\r\nhello\r\n").send();
    assertTrue(result.accepted(), result::toString);
    ReceivedMessage message = stack.sink().awaitMessage(WAIT);
    stack.sink().clear();
    return message;
  }

  @Test
  void tablesAnswerAsPostSrsd110Does() throws Exception {
    try (PostSrsd postsrsd = new PostSrsd(SECRETS, SRS_DOMAIN, "test.example")) {
      String srs0 = postsrsd.forward("ann@outside.example");
      String srs1 = postsrsd.forward("SRS0=abcd=2W=other.example=zed@forwarder.example");
      List<String> senders =
          List.of(
              "ann@outside.example",
              "Ann.Smith@Outside.Example",
              "www@test.example",
              "SRS0=abcd=2W=other.example=zed@forwarder.example",
              "\"ann x\"@outside.example");
      for (String sender : senders) {
        assertEquals(
            asPostfixReads(postsrsd.tcpTableReply(postsrsd.forwardPort(), sender)),
            asPostfixReads(tcpTable(FORWARD_PORT, sender)),
            "forward " + sender);
      }
      for (String recipient :
          List.of(
              srs0,
              srs0.toLowerCase(),
              srs1,
              "ann@outside.example",
              srs0.replaceFirst("^SRS0=....", "SRS0=ZZZZ"))) {
        assertEquals(
            asPostfixReads(postsrsd.tcpTableReply(postsrsd.reversePort(), recipient)),
            asPostfixReads(tcpTable(REVERSE_PORT, recipient)),
            "reverse " + recipient);
      }
      // stricter than PostSRSd by design: an SRS address at another domain is not ours to reverse
      String elsewhere = srs0.replace(SRS_DOMAIN, "elsewhere.example");
      assertEquals(
          "ann@outside.example",
          asPostfixReads(postsrsd.tcpTableReply(postsrsd.reversePort(), elsewhere)));
      assertEquals("(not found)", asPostfixReads(tcpTable(REVERSE_PORT, elsewhere)));
    }
  }

  @Test
  void postSrsd1TcpTableMainCfForwardsAndReverses() throws Exception {
    String expected;
    try (PostSrsd postsrsd = new PostSrsd(SECRETS, SRS_DOMAIN, "test.example")) {
      expected = postsrsd.forward("ann@outside.example");
    }
    String srs = send("ann@outside.example", "carol@far.example").mailFrom();
    assertEquals(expected, srs, "the return path PostSRSd 1.10 would have written");
    assertEquals("www@test.example", send("www@test.example", "carol@far.example").mailFrom());
    ReceivedMessage bounce = send("", srs);
    assertEquals(List.of("ann@outside.example"), bounce.recipients());
  }

  @Test
  void postSrsd2SocketmapMainCfOverInetAndUnixForwardsAndReverses() {
    for (String endpoint : List.of("inet:127.0.0.1:" + SOCKETMAP_PORT, "unix:" + SOCKET)) {
      stack.postconf(
          "sender_canonical_maps=socketmap:" + endpoint + ":forward",
          "recipient_canonical_maps=socketmap:" + endpoint + ":reverse");
      String srs = send("ann@outside.example", "carol@far.example").mailFrom();
      assertTrue(
          srs.matches(
              "SRS0=[A-Za-z0-9+/]{4}=[A-Z2-7]{2}=outside\\.example=ann@srs\\.test\\.example"),
          srs);
      assertEquals(List.of("ann@outside.example"), send("", srs).recipients(), endpoint);
    }
  }
}
