package io.postwarden.it.srs;

import static org.junit.jupiter.api.Assertions.*;

import io.postwarden.deploy.Modules;
import io.postwarden.it.RunningPostwarden;
import io.postwarden.it.harness.MailStack;
import io.postwarden.it.harness.ReceivedMessage;
import io.postwarden.it.harness.SmtpResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * srs-forward-cleanup through real Postfix, master.cf set up from the shipped
 * deploy/postfix/master.cf-forward-cleanup.snippet: the copy a ~/.forward sends on leaves with an
 * SRS sender, the copy local(8) keeps here keeps the original one (ADR 0028).
 */
class ForwardCleanupTest {

  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String SRS0 =
      "SRS0=[A-Za-z0-9_-]{8}=[A-Z2-7]{2}=outside\\.example=ann@srs\\.test\\.example";
  private static final UnixUsers users = new UnixUsers();

  @RegisterExtension
  @Order(2)
  static final RunningPostwarden postwarden =
      new RunningPostwarden(
              () ->
                  "srs-domain = srs.test.example\n"
                      + "domains = { test.example }\n"
                      + "srs-forward-cleanup = true\n"
                      + "socketmap = { \"unix:"
                      + socketDirectory().resolve("lookup.sock")
                      + "\" }\n"
                      + "postfix-config-dir = \""
                      + ForwardCleanupTest.stack.postfix().configDir()
                      + "\"\n",
              Modules::policies)
          .onUnixSockets(ForwardCleanupTest::socketDirectory);

  @RegisterExtension
  @Order(1)
  static final MailStack stack =
      MailStack.builder()
          .milter("unix:postwarden/milter.sock")
          .nonSmtpdMilter(() -> "unix:postwarden/non-smtpd.sock")
          .mainCf("home_mailbox", "Maildir/")
          .virtualAlias("info@test.example", "someone@far.example")
          .remoteHosts()
          .isolateTests(false)
          .build();

  /** Where the package puts its sockets: queue_directory/postwarden, as the snippets name them. */
  private static Path socketDirectory() {
    return stack.queueDirectory().resolve("postwarden");
  }

  /** As the snippet's comment says: its services appended, then its postconf commands run. */
  @BeforeAll
  static void configurePostfix() throws Exception {
    String sink = "[127.0.0.1]:" + stack.sink().port();
    stack.postconf(
        "transport_maps = " + stack.writeMap("transport", "test.example local:\n"),
        "relayhost = " + sink);
    String snippet =
        Files.readString(Path.of("..", "deploy", "postfix", "master.cf-forward-cleanup.snippet"));
    Files.writeString(
        stack.postfix().configDir().resolve("master.cf"),
        snippet,
        java.nio.file.StandardOpenOption.APPEND);
    for (String line : snippet.lines().toList()) {
      if (line.startsWith("#   postconf ")) {
        postconf(line.substring("#   postconf ".length()).trim().split("\\s+"));
      }
    }
    stack.reload();
  }

  private static void postconf(String... arguments) throws Exception {
    List<String> command =
        new ArrayList<>(List.of("postconf", "-c", stack.postfix().configDir().toString()));
    command.addAll(List.of(arguments));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    assertEquals(0, process.waitFor(), output);
  }

  @BeforeEach
  void clearSink() {
    stack.awaitQueueEmpty();
    stack.sink().clear();
  }

  @AfterAll
  static void removeUsers() {
    users.close();
  }

  private static void send(String to) {
    SmtpResult result =
        stack
            .smtpFrom(stack.remote().mta())
            .from("ann@outside.example")
            .to(to)
            .data("Subject: forwarded?\r\n\r\nhello\r\n")
            .send();
    assertTrue(result.accepted(), result::toString);
  }

  @Test
  void theForwardedCopyIsRewrittenAndTheKeptCopyKeepsItsSender() {
    String alice = users.create("pwfd");
    users.writeOwned(alice, ".forward", "\\" + alice + ", alice@far.example\n");

    send(alice + "@test.example");

    ReceivedMessage forwarded = stack.sink().awaitMessage(WAIT);
    assertEquals(List.of("alice@far.example"), forwarded.recipients());
    assertTrue(forwarded.mailFrom().matches(SRS0), forwarded.mailFrom());
    List<String> kept = users.awaitMaildir(alice, 1, WAIT);
    assertEquals(1, kept.size(), "local(8) kept a copy in ~/Maildir");
    assertTrue(kept.get(0).contains("Return-Path: <ann@outside.example>"), kept.get(0));
    assertTrue(
        stack.maillog().contains("postfix/postwarden-forward/cleanup"),
        "the copy went through the forwarding cleanup");
  }

  @Test
  void aVirtualAliasThatLeavesIsStillRewrittenByTheMilter() {
    send("info@test.example");
    ReceivedMessage message = stack.sink().awaitMessage(WAIT);
    assertEquals(List.of("someone@far.example"), message.recipients());
    assertTrue(message.mailFrom().matches(SRS0), message.mailFrom());
  }
}
