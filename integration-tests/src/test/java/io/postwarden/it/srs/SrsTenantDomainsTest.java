package io.postwarden.it.srs;

import static org.junit.jupiter.api.Assertions.*;

import io.postwarden.deploy.Modules;
import io.postwarden.it.RunningPostwarden;
import io.postwarden.it.harness.MailStack;
import io.postwarden.it.harness.ReceivedMessage;
import io.postwarden.it.harness.RemoteNetwork;
import io.postwarden.it.harness.SmtpResult;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Per-tenant SRS domains (srs-domain-map, ADR 0024) through real Postfix: each hosted domain's
 * forwards carry its own SRS domain, and bounces to every SRS domain are reversed and guarded like
 * the main one's.
 */
class SrsTenantDomainsTest {

  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String MAIN = "srs.test.example";

  @RegisterExtension
  @Order(2)
  static final RunningPostwarden postwarden =
      new RunningPostwarden(
          () ->
              "srs-domain = "
                  + MAIN
                  + "\n"
                  + "domains = { test.example, shop.example, blog.example }\n"
                  + "srs-domain-map = { \"shop.example=srs.shop.example\", \"blog.example=bounces.blog.example\" }\n"
                  + "postfix-config-dir = \""
                  + SrsTenantDomainsTest.stack.postfix().configDir()
                  + "\"\n",
          Modules::policies);

  @RegisterExtension
  @Order(1)
  static final MailStack stack =
      MailStack.builder()
          .milter(postwarden::smtpdEndpoint)
          .nonSmtpdMilter(postwarden::nonSmtpdEndpoint)
          .virtualAliasDomains("shop.example", "blog.example")
          .virtualAlias("info@shop.example", "owner@gmail.example")
          .virtualAlias("info@blog.example", "writer@gmail.example")
          .virtualAlias("info@test.example", "someone@gmail.example")
          .mainCf("relay_domains", MAIN + " srs.shop.example bounces.blog.example")
          .remoteHosts()
          .build();

  private static RemoteNetwork.Host mta() {
    return stack.remote().mta();
  }

  private static ReceivedMessage send(RemoteNetwork.Host host, String from, String... to) {
    SmtpResult result =
        stack.smtpFrom(host).from(from).to(to).data("Subject: tenant\r\n\r\nhello\r\n").send();
    assertTrue(result.accepted(), result::toString);
    return stack.sink().awaitMessage(WAIT);
  }

  private static String returnPathOfAForwardTo(String recipient) {
    String returnPath = send(mta(), "ann@outside.example", recipient).mailFrom();
    stack.sink().clear();
    return returnPath;
  }

  @Test
  void eachHostedDomainsForwardsCarryItsOwnSrsDomain() {
    assertTrue(
        returnPathOfAForwardTo("info@shop.example")
            .matches("SRS0=[^@]+=outside\\.example=ann@srs\\.shop\\.example"));
    assertTrue(returnPathOfAForwardTo("info@blog.example").endsWith("@bounces.blog.example"));
    assertTrue(
        returnPathOfAForwardTo("info@test.example").endsWith("@" + MAIN),
        "unmapped: the main SRS domain");
  }

  @Test
  void withRecipientsOfSeveralTenantsTheFirstOneDecides() {
    ReceivedMessage message =
        send(mta(), "ann@outside.example", "info@blog.example", "info@shop.example");
    assertTrue(message.mailFrom().endsWith("@bounces.blog.example"), message.mailFrom());
    assertEquals(
        java.util.Set.of("writer@gmail.example", "owner@gmail.example"),
        java.util.Set.copyOf(message.recipients()),
        "one message, one return path for both copies");
  }

  @Test
  void bouncesToEveryTenantSrsDomainReachTheOriginalSender() {
    for (String srs :
        List.of(
            returnPathOfAForwardTo("info@shop.example"),
            returnPathOfAForwardTo("info@blog.example"))) {
      ReceivedMessage bounce = send(mta(), "", srs);
      assertEquals(List.of("ann@outside.example"), bounce.recipients(), srs);
      stack.sink().clear();
    }
  }

  @Test
  void tenantSrsAddressesTakeOnlyBouncesAndRefuseForgeries() {
    String srs = returnPathOfAForwardTo("info@shop.example");
    SmtpResult relay =
        stack
            .smtpFrom(stack.remote().host(4))
            .from("spam@botnet.example")
            .to(srs)
            .data("Subject: pills\r\n\r\nbuy\r\n")
            .send();
    assertEquals(SmtpResult.Step.RCPT, relay.failedStep(), relay::toString);
    assertEquals("5.7.1", relay.enhancedCode(), relay::toString);
    String forged = srs.replaceFirst("^SRS0=[^=]+=", "SRS0=ZZZZZZZZ=");
    SmtpResult guess =
        stack
            .smtpFrom(stack.remote().host(5))
            .from("")
            .to(forged)
            .data("Subject: bounce\r\n\r\nx\r\n")
            .send();
    assertEquals(SmtpResult.Step.RCPT, guess.failedStep(), guess::toString);
    assertEquals("5.1.1", guess.enhancedCode(), guess::toString);
    stack.awaitQueueEmpty();
    assertTrue(stack.sink().messages().isEmpty(), () -> "relayed: " + stack.sink().messages());
  }
}
