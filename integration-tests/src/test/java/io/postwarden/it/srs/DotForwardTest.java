package io.postwarden.it.srs;

import static org.junit.jupiter.api.Assertions.*;

import io.postwarden.deploy.Modules;
import io.postwarden.it.RunningPostwarden;
import io.postwarden.it.harness.MailStack;
import io.postwarden.it.harness.ReceivedMessage;
import io.postwarden.it.harness.SmtpResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Forwarding that only local(8) knows about, through real Postfix: local users (real Unix users)
 * whose ~/.forward sends mail on, delivered by Postfix's own local(8) into ~/Maildir; and a virtual
 * mailbox domain listed in a hash: map instead of main.cf (ADR 0027).
 */
class DotForwardTest {

  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String SRS0 =
      "SRS0=[A-Za-z0-9_-]{8}=[A-Z2-7]{2}=outside\\.example=ann@srs\\.test\\.example";
  private static final UnixUsers users = new UnixUsers();
  private static final Path mailboxDomains = mailboxDomainsMap();

  @RegisterExtension
  @Order(2)
  static final RunningPostwarden postwarden =
      new RunningPostwarden(
          () ->
              "srs-domain = srs.test.example\n"
                  + "domains = { test.example }\n"
                  + "postfix-config-dir = \""
                  + DotForwardTest.stack.postfix().configDir()
                  + "\"\n",
          Modules::policies);

  @RegisterExtension
  @Order(1)
  static final MailStack stack =
      MailStack.builder()
          .milter(postwarden::smtpdEndpoint)
          .nonSmtpdMilter(postwarden::nonSmtpdEndpoint)
          .mainCf("home_mailbox", "Maildir/")
          .mainCf("virtual_mailbox_domains", "hash:" + mailboxDomains)
          .remoteHosts()
          .isolateTests(false)
          .build();

  /** A hash: map (built by postmap) naming one virtual mailbox domain. */
  private static Path mailboxDomainsMap() {
    try {
      Path dir = Files.createTempDirectory("postwarden-vdomains");
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
      Path map = Files.writeString(dir.resolve("vmailbox_domains"), "mapped.example OK\n");
      // its own (empty) main.cf: the host may have no /etc/postfix
      Files.writeString(dir.resolve("main.cf"), "");
      Process postmap =
          new ProcessBuilder("postmap", "-c", dir.toString(), "hash:" + map).inheritIO().start();
      if (postmap.waitFor() != 0) {
        throw new IllegalStateException("postmap failed");
      }
      return map;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * test.example to Postfix's local(8); everything else still to the sink (a static: map would
   * answer the whole-address lookup that comes first, so the sink is the relayhost instead).
   */
  @BeforeAll
  static void deliverTestExampleLocally() {
    String sink = "[127.0.0.1]:" + stack.sink().port();
    stack.postconf(
        "transport_maps = "
            + stack.writeMap(
                "transport", "test.example local:\nmapped.example smtp:" + sink + "\n"),
        "relayhost = " + sink);
  }

  @BeforeEach
  void clearSink() {
    stack.awaitQueueEmpty();
    stack.sink().clear();
  }

  @AfterAll
  static void removeUsers() throws Exception {
    users.close();
    Files.deleteIfExists(Path.of(mailboxDomains + ".db"));
    Files.deleteIfExists(mailboxDomains);
    Files.deleteIfExists(mailboxDomains.resolveSibling("main.cf"));
    Files.deleteIfExists(mailboxDomains.getParent());
  }

  private static void send(String... to) {
    SmtpResult result =
        stack
            .smtpFrom(stack.remote().mta())
            .from("ann@outside.example")
            .to(to)
            .data("Subject: forwarded?\r\n\r\nhello\r\n")
            .send();
    assertTrue(result.accepted(), result::toString);
  }

  private static String returnPath(String message) {
    return message.lines().filter(l -> l.startsWith("Return-Path:")).findFirst().orElseThrow();
  }

  @Test
  void aForwardFileToAnotherServerGetsTheSrsSender() {
    String alice = users.create("pwfa");
    users.writeOwned(
        alice, ".forward", "# keep a copy, send one on\n\\" + alice + ", alice@far.example\n");

    send(alice + "@test.example");

    ReceivedMessage forwarded = stack.sink().awaitMessage(WAIT);
    assertEquals(List.of("alice@far.example"), forwarded.recipients());
    assertTrue(forwarded.mailFrom().matches(SRS0), forwarded.mailFrom());
    List<String> kept = users.awaitMaildir(alice, 1, WAIT);
    assertEquals(1, kept.size(), "local(8) kept a copy in ~/Maildir");
    // one envelope for both copies: the kept copy carries the SRS return path too (ADR 0028)
    assertTrue(returnPath(kept.get(0)).matches("Return-Path: <" + SRS0 + ">"), kept.get(0));
  }

  @Test
  void aForwardFileToALocalMailboxOrAPipeKeepsTheSender() {
    String bob = users.create("pwfb");
    String carol = users.create("pwfc");
    users.writeOwned(bob, ".forward", "\\" + bob + ", \"|/bin/true\", " + carol + "\n");

    send(bob + "@test.example");

    for (String user : List.of(bob, carol)) {
      List<String> delivered = users.awaitMaildir(user, 1, WAIT);
      assertEquals(1, delivered.size(), user + "'s mailbox");
      assertEquals("Return-Path: <ann@outside.example>", returnPath(delivered.get(0)));
    }
    stack.awaitQueueEmpty();
    assertTrue(stack.sink().messages().isEmpty(), "nothing left the server");
  }

  @Test
  void aDomainListedInAHashMapIsOurs() {
    send("someone@mapped.example");
    ReceivedMessage delivered = stack.sink().awaitMessage(WAIT);
    assertEquals(List.of("someone@mapped.example"), delivered.recipients());
    assertEquals("ann@outside.example", delivered.mailFrom());
  }
}
