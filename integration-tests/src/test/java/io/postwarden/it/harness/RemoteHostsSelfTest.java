package io.postwarden.it.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Self-test of the remote hosts without any milter: Postfix sees each host at its own non-local
 * address.
 */
class RemoteHostsSelfTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  @RegisterExtension static final MailStack stack = MailStack.builder().remoteHosts().build();

  private static String receivedFrom(SmtpClient client, String recipient) {
    SmtpResult result =
        client.from("ann@outside.example").to(recipient).data("Subject: x\r\n\r\nx\r\n").send();
    assertTrue(result.accepted(), result::toString);
    return stack.sink().awaitMessage(WAIT).header("Received").orElseThrow();
  }

  @Test
  void eachRemoteHostArrivesFromItsOwnAddress() {
    RemoteNetwork remote = stack.remote();
    for (RemoteNetwork.Host host :
        java.util.List.of(remote.mta(), remote.client(), remote.host(RemoteNetwork.HOSTS))) {
      String received = receivedFrom(stack.smtpFrom(host), "bob@test.example");
      assertTrue(received.contains("(unknown [" + host.address() + "])"), received);
      assertTrue(received.contains("by mx.test.example"), received);
      stack.sink().clear();
    }
  }

  @Test
  void remoteHostsReachTheServerOverIpv6() {
    RemoteNetwork.Host host = stack.remote().hostV6(1);
    String received = receivedFrom(stack.smtpFrom(host), "bob@test.example");
    assertTrue(received.contains("(unknown [IPv6:" + host.address() + "])"), received);
  }

  @Test
  void postfixRelaysOnlyForTheMailServerInMynetworks() {
    SmtpResult relay =
        stack
            .smtpFrom(stack.remote().mta())
            .from("ann@outside.example")
            .to("carol@far.example")
            .data("Subject: relay\r\n\r\nx\r\n")
            .send();
    assertEquals(SmtpResult.Step.RCPT, relay.failedStep(), relay::toString);
    assertTrue(relay.reply().toString().contains("Relay access denied"), relay::toString);
    String received =
        receivedFrom(stack.smtpFrom(stack.remote().mailServer()), "carol@far.example");
    assertTrue(received.contains("[" + stack.remote().mailServer().address() + "]"), received);
  }

  @Test
  void aLoginFromARemoteClientWorksOnTheSubmissionPort() {
    SmtpResult result =
        stack
            .submissionFrom(stack.remote().client())
            .auth("alice", "secret")
            .from("alice@test.example")
            .to("carol@far.example")
            .data("Subject: sub\r\n\r\nx\r\n")
            .send();
    assertTrue(result.accepted(), result::toString);
    stack.sink().awaitMessage(WAIT);
  }

  @Test
  void theServersOwnAddressOnTheNetworkIsInTheLocalRewriteContext() {
    // cleanup adds a missing From: only for clients at inet_interfaces addresses: ours, not the
    // remote host's
    String noFrom = "Subject: no From\r\n\r\nx\r\n";
    assertTrue(
        stack
            .smtpToOwnAddress()
            .from("ann@outside.example")
            .to("bob@test.example")
            .data(noFrom)
            .send()
            .accepted());
    ReceivedMessage own = stack.sink().awaitMessage(WAIT);
    assertTrue(
        own.header("Received").orElseThrow().contains("[" + stack.remote().serverAddress() + "]"),
        own::toString);
    assertTrue(own.header("From").isPresent(), own::toString);
    stack.sink().clear();
    assertTrue(
        stack
            .smtpFrom(stack.remote().mta())
            .from("ann@outside.example")
            .to("bob@test.example")
            .data(noFrom)
            .send()
            .accepted());
    assertFalse(stack.sink().awaitMessage(WAIT).header("From").isPresent());
  }

  @Test
  void aFailedConnectionIsReportedAsAReply() {
    SmtpResult result =
        stack
            .remote()
            .mta()
            .smtp(Ports.freePort())
            .from("a@outside.example")
            .to("b@test.example")
            .send();
    assertEquals(SmtpResult.Step.CONNECT, result.failedStep(), result::toString);
    assertTrue(result.reply().toString().contains("netns-bridge"), result::toString);
  }
}
