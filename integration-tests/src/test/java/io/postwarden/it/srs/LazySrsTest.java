package io.postwarden.it.srs;

import static org.junit.jupiter.api.Assertions.*;

import io.micrometer.core.instrument.MeterRegistry;
import io.postwarden.deploy.Modules;
import io.postwarden.it.RunningPostwarden;
import io.postwarden.it.harness.MailStack;
import io.postwarden.it.harness.ReceivedMessage;
import io.postwarden.it.harness.SmtpResult;
import io.postwarden.srs.spf.Dnsmasq;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Lazy SRS (srs-lazy, ADR 0025) through real Postfix, with SPF asked of a real DNS server (dnsmasq
 * on loopback): a forwarded message keeps its sender only when the sender domain's SPF passes every
 * outbound address; softfail, a record that names only some of them, no record and a DNS failure
 * all mean rewrite.
 */
class LazySrsTest {

  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String SRS0 = "SRS0=.*@srs\\.test\\.example";
  private static final Dnsmasq dns = startDns();

  @RegisterExtension
  @Order(2)
  static final RunningPostwarden postwarden =
      new RunningPostwarden(
          () ->
              "srs-domain = srs.test.example\n"
                  + "domains = { test.example }\n"
                  + "srs-lazy = true\n"
                  + "srs-outbound-addresses = { 127.0.0.1, 198.51.100.25 }\n"
                  + "srs-lazy-dns-server = \""
                  + dns.server()
                  + "\"\n"
                  + "srs-lazy-timeout = 1s\n"
                  + "postfix-config-dir = \""
                  + LazySrsTest.stack.postfix().configDir()
                  + "\"\n",
          Modules::policies);

  @RegisterExtension
  @Order(1)
  static final MailStack stack =
      MailStack.builder()
          .milter(postwarden::smtpdEndpoint)
          .nonSmtpdMilter(postwarden::nonSmtpdEndpoint)
          .virtualAlias("info@test.example", "someone@far.example")
          .remoteHosts()
          .build();

  private static Dnsmasq startDns() {
    try {
      Path work = Files.createTempDirectory("postwarden-lazy-dns");
      return Dnsmasq.start(
          work,
          List.of(
              "--local=/senders.example/",
              "--txt-record=pass.senders.example,v=spf1 ip4:127.0.0.1 ip4:198.51.100.0/24 -all",
              "--txt-record=include.senders.example,v=spf1 include:_spf.pass.senders.example ~all",
              "--txt-record=_spf.pass.senders.example,v=spf1 ip4:127.0.0.0/8 ip4:198.51.100.25 -all",
              "--txt-record=half.senders.example,v=spf1 ip4:198.51.100.25 -all",
              "--txt-record=soft.senders.example,v=spf1 ~all",
              "--txt-record=nospf.senders.example,google-site-verification=x"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @AfterAll
  static void stopDns() throws Exception {
    dns.close();
  }

  private static String forwardedReturnPath(String sender) {
    SmtpResult sent =
        stack
            .smtpFrom(stack.remote().mta())
            .from(sender)
            .to("info@test.example")
            .data("Subject: lazy\r\n\r\nhello\r\n")
            .send();
    assertTrue(sent.accepted(), sent::toString);
    ReceivedMessage message = stack.sink().awaitMessage(WAIT);
    stack.sink().clear();
    assertEquals(List.of("someone@far.example"), message.recipients());
    return message.mailFrom();
  }

  private static double counter(String name, String result) {
    MeterRegistry registry = postwarden.daemon().registry();
    var search = registry.find(name);
    var counter = (result == null ? search : search.tag("result", result)).counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  void aSenderWhoseSpfPassesEveryOutboundAddressKeepsIt() {
    double skipped = counter("postwarden.srs.lazy.skipped", null);
    assertEquals("ann@pass.senders.example", forwardedReturnPath("ann@pass.senders.example"));
    assertEquals(
        "ann@include.senders.example",
        forwardedReturnPath("ann@include.senders.example"),
        "includes are followed");
    assertEquals(
        "bob@pass.senders.example",
        forwardedReturnPath("bob@pass.senders.example"),
        "from the cache");
    assertEquals(skipped + 3, counter("postwarden.srs.lazy.skipped", null));
  }

  @Test
  void anythingShortOfPassForEveryAddressIsRewritten() {
    for (String sender :
        List.of(
            "ann@half.senders.example",
            "ann@soft.senders.example",
            "ann@nospf.senders.example",
            "ann@unknown.senders.example")) {
      String returnPath = forwardedReturnPath(sender);
      assertTrue(returnPath.matches(SRS0), sender + " -> " + returnPath);
    }
  }

  @Test
  void aDnsFailureMeansRewrite() {
    double failures = counter("postwarden.srs.lazy.spf", "temperror");
    // dnsmasq has no upstream: outside its own names it refuses, as a broken resolver would
    assertTrue(forwardedReturnPath("ann@elsewhere.example").matches(SRS0));
    assertEquals(failures + 1, counter("postwarden.srs.lazy.spf", "temperror"));
  }
}
