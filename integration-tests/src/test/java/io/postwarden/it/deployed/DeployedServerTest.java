package io.postwarden.it.deployed;

import static io.postwarden.it.audit.AuditRecordsFile.awaitRecord;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Counter;
import io.postwarden.it.RunningPostwarden;
import io.postwarden.it.harness.MailStack;
import io.postwarden.it.harness.ReceivedMessage;
import io.postwarden.it.harness.RemoteNetwork;
import io.postwarden.it.harness.SmtpClient;
import io.postwarden.it.harness.SmtpResult;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The guard on a server deployed as the README says: Postwarden with no settings at all, Postfix
 * reachable at an address of its own besides loopback, and real remote hosts. Remote mail passes
 * the guard; a local process that connects to the server's public address is as local as one on
 * 127.0.0.1.
 */
class DeployedServerTest {

  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String SPAM = "Subject: spam\r\n\r\nbuy\r\n";

  @RegisterExtension
  @Order(2)
  static final RunningPostwarden postwarden = new RunningPostwarden("");

  @RegisterExtension
  @Order(1)
  static final MailStack stack =
      MailStack.builder()
          .milter(postwarden::smtpdEndpoint)
          .nonSmtpdMilter(postwarden::nonSmtpdEndpoint)
          .remoteHosts()
          .build();

  private static double guardDecisions(String decision, String client) {
    Counter counter =
        postwarden
            .daemon()
            .registry()
            .find("postwarden.guard.decisions")
            .tags("decision", decision, "client", client)
            .counter();
    return counter == null ? 0 : counter.count();
  }

  private static String recordFor(ReceivedMessage message) throws Exception {
    String tag = message.headers().all("X-Postwarden-Audit").get(0);
    String id =
        tag.substring("id=".length(), tag.indexOf(';') < 0 ? tag.length() : tag.indexOf(';'));
    return awaitRecord(postwarden.auditLog(), line -> line.contains(id), WAIT);
  }

  @Test
  void aLocalProcessConnectingToTheServersOwnAddressIsRefusedWithoutLogin() throws Exception {
    RemoteNetwork remote = stack.remote();
    double refusedBefore = guardDecisions("refused", "local_tcp");
    for (SmtpClient own : List.of(stack.smtpToOwnAddress(), stack.smtpToOwnAddressV6())) {
      SmtpResult result = own.from("spam@shop.example").to("victim@far.example").data(SPAM).send();
      assertEquals(SmtpResult.Step.MAIL, result.failedStep(), result::toString);
      assertEquals(530, result.code(), result::toString);
      assertEquals("5.7.0", result.enhancedCode(), result::toString);
    }
    assertEquals(refusedBefore + 2, guardDecisions("refused", "local_tcp"));
    assertTrue(stack.sink().messages().isEmpty());
    String v6 = java.net.InetAddress.getByName(remote.serverAddressV6()).getHostAddress();
    for (String client : List.of(remote.serverAddress() + ":", "[" + v6 + "]:")) {
      String refusal =
          awaitRecord(
              postwarden.auditLog(),
              line ->
                  line.contains("\"event\":\"refuse\"") && line.contains("\"client\":\"" + client),
              WAIT);
      assertTrue(
          refusal.contains("\"local\":true") && refusal.contains("\"client_kind\":\"local_tcp\""),
          refusal);
      // the socket is looked up as for loopback: it belongs to this JVM's user (its pid, unless the
      // search ran late)
      assertTrue(refusal.contains("\"uid\":0"), refusal);
    }
  }

  @Test
  void remoteMtasDeliverWithoutLoginOverIpv4AndIpv6() throws Exception {
    double notLocalBefore = guardDecisions("not_local", "remote");
    for (RemoteNetwork.Host mta : List.of(stack.remote().mta(), stack.remote().hostV6(1))) {
      SmtpResult result =
          stack
              .smtpFrom(mta)
              .from("ann@outside.example")
              .to("bob@test.example")
              .data("Subject: hello\r\n\r\nhi\r\n")
              .send();
      assertTrue(result.accepted(), result::toString);
      String record = recordFor(stack.sink().awaitMessage(WAIT));
      assertTrue(
          record.contains("\"decision\":\"not_local\"") && record.contains("\"local\":false"),
          record);
      assertTrue(record.contains("\"client_kind\":\"remote\""), record);
      stack.sink().clear();
    }
    assertEquals(notLocalBefore + 2, guardDecisions("not_local", "remote"));
  }

  @Test
  void aRemoteUserLogsInOnTheSubmissionPort() throws Exception {
    SmtpResult result =
        stack
            .submissionFrom(stack.remote().client())
            .auth("alice", "secret")
            .from("alice@test.example")
            .to("friend@far.example")
            .data("Subject: hi\r\n\r\nhello\r\n")
            .send();
    assertTrue(result.accepted(), result::toString);
    ReceivedMessage message = stack.sink().awaitMessage(WAIT);
    assertTrue(
        message.headers().all("X-Postwarden-Audit").get(0).matches(".*; sasl=alice; sig=\\S+"),
        message::toString);
    String record = recordFor(message);
    assertTrue(
        record.contains("\"decision\":\"authenticated\"") && record.contains("\"local\":false"),
        record);
  }
}
