package io.postwarden.srs.policy;

import static org.junit.jupiter.api.Assertions.*;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.postwarden.core.policy.Decision;
import io.postwarden.core.policy.Modification.AddRecipient;
import io.postwarden.core.policy.Modification.ChangeSender;
import io.postwarden.core.policy.Recipient;
import io.postwarden.core.policy.Verdict;
import io.postwarden.core.testing.MutableClock;
import io.postwarden.core.testing.TestTransaction;
import io.postwarden.srs.codec.ForwardResult;
import io.postwarden.srs.codec.SrsCodec;
import io.postwarden.srs.codec.SrsConfig;
import io.postwarden.srs.codec.SrsSecrets;
import io.postwarden.srs.domains.OurDomains;
import io.postwarden.srs.longsender.LongSenders;
import io.postwarden.srs.routing.RecipientRouting;
import io.postwarden.srs.routing.RecipientRouting.Route;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Per-tenant SRS domains (srs-domain-map, ADR 0024): the map itself, and the SRS policy choosing
 * and guarding them.
 */
class SrsDomainsTest {

  private static final String MAIN = "srs.hosting.example";
  private static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");
  private static final SrsDomains DOMAINS =
      new SrsDomains(
          MAIN,
          SrsDomains.parseEntries(
              List.of("shop.example=srs.shop.example", "Blog.example  bounces.blog.example")));

  private final SrsCodec codec =
      new SrsCodec(
          SrsConfig.defaults(
              SrsSecrets.of(List.of("tops3cr3t-tops3cr3t".getBytes(StandardCharsets.US_ASCII)))),
          Clock.fixed(NOW, ZoneOffset.UTC));
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final OurDomains ours = new OurDomains(List.of("hosting.example"));
  private final GuessThrottle throttle =
      new GuessThrottle(
          new GuessThrottle.Settings(2, Duration.ofMinutes(10), Duration.ofMinutes(15), 100),
          new MutableClock(NOW));

  /** Recipients at *.example forward off this server, except mailboxes named "local". */
  private SrsPolicy policy() {
    SrsRules rules =
        new SrsRules(
            () -> DOMAINS,
            true,
            () -> codec,
            () -> ours,
            throttle,
            new SrsMetrics(registry),
            LongSenders.skip());
    return new SrsPolicy(
        new SrsPolicy.Settings(MAIN, false, true, true),
        rules,
        new RecipientRouting() {
          @Override
          public Route route(String recipient) {
            return recipient.startsWith("local@") ? Route.LOCAL : Route.LEAVES;
          }

          @Override
          public Optional<Route> routeFromMemory(String recipient) {
            return Optional.of(route(recipient));
          }
        },
        Optional.empty());
  }

  private static Optional<String> newSender(Decision decision) {
    return decision.modifications().stream()
        .filter(ChangeSender.class::isInstance)
        .map(m -> ((ChangeSender) m).address())
        .findFirst();
  }

  private String srs0(String sender, String srsDomain) {
    return ((ForwardResult.Rewritten) codec.forward(sender, srsDomain)).address();
  }

  @Test
  void entriesAreRecipientDomainToSrsDomain() {
    assertEquals(Optional.of("srs.shop.example"), DOMAINS.forRecipient("info@SHOP.example"));
    assertEquals(Optional.of("bounces.blog.example"), DOMAINS.forRecipient("me@blog.example"));
    assertEquals(
        Optional.empty(), DOMAINS.forRecipient("me@sub.shop.example"), "exact domains only");
    assertEquals(List.of(MAIN, "srs.shop.example", "bounces.blog.example"), DOMAINS.all());
    assertTrue(DOMAINS.covers("mx.srs.shop.example"));
    assertTrue(DOMAINS.names("SRS.shop.example"));
    assertFalse(DOMAINS.names("mx.srs.shop.example"));
    assertFalse(DOMAINS.covers("shop.example"));
  }

  @Test
  void malformedOrDuplicateEntriesAreRefusedByName() {
    for (String bad :
        List.of(
            "shop.example",
            "shop.example=",
            "a=b=c",
            "user@shop.example=srs.example",
            ".shop.example=srs.example")) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class, () -> SrsDomains.parseEntries(List.of(bad)), bad);
      assertTrue(e.getMessage().contains(bad), e.getMessage());
    }
    assertThrows(
        IllegalArgumentException.class,
        () -> SrsDomains.parseEntries(List.of("a.example=x.example", "A.example=y.example")));
  }

  @Test
  void aForwardTakesTheSrsDomainOfItsRecipientsDomain() {
    String sender =
        newSender(
                policy()
                    .onEndOfMessage(
                        TestTransaction.from("ann@outside.example").to("info@shop.example")))
            .orElseThrow();
    assertTrue(sender.endsWith("@srs.shop.example"), sender);
    String unmapped =
        newSender(
                policy()
                    .onEndOfMessage(
                        TestTransaction.from("ann@outside.example").to("info@other.example")))
            .orElseThrow();
    assertTrue(unmapped.endsWith("@" + MAIN), unmapped);
  }

  @Test
  void withSeveralTenantsTheFirstLeavingMappedRecipientDecides() {
    String sender =
        newSender(
                policy()
                    .onEndOfMessage(
                        TestTransaction.from("ann@outside.example")
                            .to(
                                "local@shop.example",
                                "carol@other.example",
                                "info@blog.example",
                                "info@shop.example")))
            .orElseThrow();
    assertTrue(
        sender.endsWith("@bounces.blog.example"),
        "the local shop mailbox does not leave: " + sender);
  }

  @Test
  void senderAlreadyAtATenantSrsDomainIsNotRewrittenAgain() {
    String tenantSrs = srs0("ann@outside.example", "srs.shop.example");
    assertEquals(
        Optional.empty(),
        newSender(
            policy().onEndOfMessage(TestTransaction.from(tenantSrs).to("info@blog.example"))));
  }

  @Test
  void bouncesToEveryTenantSrsDomainAndItsSubdomainsAreReversed() {
    for (String srs :
        List.of(
            srs0("ann@outside.example", "srs.shop.example"),
            srs0("ann@outside.example", "bounces.blog.example").replace("@", "@mx."))) {
      TestTransaction bounce = TestTransaction.from("").to(srs);
      assertEquals(
          Decision.CONTINUE, policy().onRecipient(bounce, new Recipient(srs, List.of())), srs);
      assertTrue(
          policy()
              .onEndOfMessage(bounce)
              .modifications()
              .contains(new AddRecipient("ann@outside.example")),
          srs);
    }
  }

  @Test
  void everyTenantSrsDomainTakesOnlyTheNullSenderAndRefusesForgeries() {
    String genuine = srs0("ann@outside.example", "srs.shop.example");
    Decision relay =
        policy()
            .onRecipient(
                TestTransaction.from("spam@botnet.example"), new Recipient(genuine, List.of()));
    assertEquals(Verdict.REJECT, relay.verdict());
    assertEquals("5.7.1", relay.reply().enhancedStatus());
    String forged = genuine.replaceFirst("^SRS0=[^=]+=", "SRS0=ZZZZ=");
    TestTransaction guesser = TestTransaction.from("").client("198.51.100.9", 4000);
    for (int i = 0; i < 2; i++) {
      assertEquals(
          Verdict.REJECT,
          policy().onRecipient(guesser, new Recipient(forged, List.of())).verdict());
    }
    assertEquals(
        Verdict.TEMPFAIL,
        policy().onRecipient(guesser, new Recipient(genuine, List.of())).verdict(),
        "the throttle covers tenant SRS domains");
    assertEquals(
        1,
        registry.get("postwarden.srs.refusals").tag("reason", "non_null_sender").counter().count());
    assertEquals(
        2, registry.get("postwarden.srs.refusals").tag("reason", "bad_hash").counter().count());
  }
}
