package io.postwarden.audit.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.postwarden.audit.identity.ClientIdentity;
import io.postwarden.audit.identity.ClientKind;
import io.postwarden.audit.process.PeerLookupResult;
import io.postwarden.audit.process.PeerLookupResult.Found;
import io.postwarden.audit.process.PeerLookupResult.NotFound;
import io.postwarden.audit.process.PeerLookupResult.OwnerOnly;
import io.postwarden.audit.process.PeerProcess;
import io.postwarden.audit.process.Submitter;
import io.postwarden.core.policy.MailOrigin;
import io.postwarden.core.policy.SmtpReply;
import io.postwarden.core.testing.TestTransaction;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GuardRulesTest {

  static final SmtpReply REPLY = new SmtpReply(530, "5.7.0", "Authentication required");

  static final ClientIdentity REMOTE =
      new ClientIdentity(ClientKind.REMOTE, Optional.empty(), Optional.empty());
  static final ClientIdentity LOCAL_NO_LOOKUP =
      new ClientIdentity(ClientKind.LOCAL_TCP, Optional.empty(), Optional.empty());
  static final ClientIdentity NON_TCP =
      new ClientIdentity(ClientKind.NON_TCP, Optional.empty(), Optional.empty());
  static final ClientIdentity SENDMAIL_SUBMITTER =
      new ClientIdentity(
          ClientKind.SENDMAIL,
          Optional.empty(),
          Optional.of(new Submitter(1000, "alice", "maildrop/4F2A1")));

  static ClientIdentity found(String user) {
    return new ClientIdentity(
        ClientKind.LOCAL_TCP,
        Optional.of(
            new Found(
                new PeerProcess(
                    812,
                    33,
                    user,
                    "/usr/sbin/php-fpm8.2",
                    List.of("php-fpm: pool www"),
                    false,
                    "php8.2-fpm.service"))),
        Optional.empty());
  }

  static ClientIdentity ownerOnly(String user) {
    return new ClientIdentity(
        ClientKind.LOCAL_TCP,
        Optional.of(new OwnerOnly(33, user, "no permission to read /proc/812/fd")),
        Optional.empty());
  }

  static ClientIdentity notFound() {
    return new ClientIdentity(
        ClientKind.LOCAL_TCP,
        Optional.<PeerLookupResult>of(new NotFound("client gone")),
        Optional.empty());
  }

  static GuardRules strict() {
    return new GuardRules(false, List.of(), Set.of(), REPLY);
  }

  static GuardRules allowAll() {
    return new GuardRules(true, List.of(), Set.of(), REPLY);
  }

  static GuardRules networks(String... cidrs) {
    return new GuardRules(
        false, List.of(cidrs).stream().map(Cidr::parse).toList(), Set.of(), REPLY);
  }

  static GuardRules users(String... users) {
    return new GuardRules(false, List.of(), Set.of(users), REPLY);
  }

  static TestTransaction loopback() {
    return TestTransaction.from("app@example.org")
        .to("victim@example.net")
        .client("127.0.0.1", 43210);
  }

  @Test
  void nonSmtpdIsALocalSubmissionEvenWhenItLooksLikeARefusableLocalClient() {
    TestTransaction tx = loopback().origin(MailOrigin.NON_SMTPD);

    assertEquals(GuardDecision.LOCAL_SUBMISSION, strict().decide(tx, LOCAL_NO_LOOKUP));
    assertEquals(GuardDecision.LOCAL_SUBMISSION, strict().decide(tx, found("www-data")));
    assertEquals(GuardDecision.LOCAL_SUBMISSION, strict().decide(tx, REMOTE));
    assertEquals(GuardDecision.LOCAL_SUBMISSION, strict().decide(tx, SENDMAIL_SUBMITTER));
    assertEquals(
        GuardDecision.LOCAL_SUBMISSION,
        strict().decide(tx.authenticatedAs("alice"), LOCAL_NO_LOOKUP));
  }

  @Test
  void saslLoginIsAuthenticatedWhateverTheClient() {
    TestTransaction tx = loopback().authenticatedAs("alice");

    assertEquals(GuardDecision.AUTHENTICATED, strict().decide(tx, LOCAL_NO_LOOKUP));
    assertEquals(GuardDecision.AUTHENTICATED, strict().decide(tx, found("www-data")));
    assertEquals(GuardDecision.AUTHENTICATED, strict().decide(tx, REMOTE));
    assertEquals(GuardDecision.AUTHENTICATED, allowAll().decide(tx, LOCAL_NO_LOOKUP));
  }

  @Test
  void remoteClientIsNotLocalEvenUnderAllowRules() {
    TestTransaction tx = TestTransaction.from("someone@example.net").client("192.0.2.1", 50000);

    assertEquals(GuardDecision.NOT_LOCAL, strict().decide(tx, REMOTE));
    assertEquals(GuardDecision.NOT_LOCAL, allowAll().decide(tx, REMOTE));
    assertEquals(GuardDecision.NOT_LOCAL, networks("0.0.0.0/0").decide(tx, REMOTE));
  }

  @Test
  void localUnauthenticatedClientIsRefused() {
    GuardRules rules = strict();

    assertEquals(GuardDecision.REFUSED, rules.decide(loopback(), LOCAL_NO_LOOKUP));
    assertEquals(GuardDecision.REFUSED, rules.decide(loopback(), found("www-data")));
    assertEquals(GuardDecision.REFUSED, rules.decide(loopback(), ownerOnly("www-data")));
    assertEquals(GuardDecision.REFUSED, rules.decide(loopback(), notFound()));
    assertEquals(
        GuardDecision.REFUSED,
        rules.decide(TestTransaction.from("x@example.org").client("::1", 40000), LOCAL_NO_LOOKUP));
    assertTrue(rules.decide(loopback(), LOCAL_NO_LOOKUP).refuses());
  }

  @Test
  void onlyRefusedRefuses() {
    List<GuardDecision> refusing = new ArrayList<>();
    for (GuardDecision decision : GuardDecision.values()) {
      if (decision.refuses()) {
        refusing.add(decision);
      }
    }
    assertEquals(List.of(GuardDecision.REFUSED), refusing);
    assertEquals("allowed_network", GuardDecision.ALLOWED_NETWORK.label());
    assertEquals("local_submission", GuardDecision.LOCAL_SUBMISSION.label());
  }

  @Test
  void allowAllLetsEveryLocalClientThrough() {
    assertEquals(GuardDecision.ALLOWED_ALL, allowAll().decide(loopback(), LOCAL_NO_LOOKUP));
    assertEquals(GuardDecision.ALLOWED_ALL, allowAll().decide(loopback(), notFound()));
  }

  @Test
  void allowedNetworkLetsOnlyItsAddressesThrough() {
    GuardRules rules = networks("127.0.0.5/32", "fd00::/8");

    assertEquals(
        GuardDecision.ALLOWED_NETWORK,
        rules.decide(TestTransaction.from("a@b").client("127.0.0.5", 1025), LOCAL_NO_LOOKUP));
    assertEquals(
        GuardDecision.ALLOWED_NETWORK,
        rules.decide(
            TestTransaction.from("a@b").client("::ffff:127.0.0.5", 1025), LOCAL_NO_LOOKUP));
    assertEquals(
        GuardDecision.ALLOWED_NETWORK,
        rules.decide(TestTransaction.from("a@b").client("fd00::25", 1025), LOCAL_NO_LOOKUP));
    assertEquals(
        GuardDecision.REFUSED,
        rules.decide(TestTransaction.from("a@b").client("127.0.0.1", 1025), LOCAL_NO_LOOKUP));
    assertEquals(
        GuardDecision.REFUSED,
        rules.decide(TestTransaction.from("a@b").client("::1", 1025), LOCAL_NO_LOOKUP));
  }

  @Test
  void localClientWithoutAnAddressIsNotMatchedByNetworks() {
    // e.g. a UNIX-socket client: no address to compare, so no network can allow it
    TestTransaction tx = TestTransaction.from("a@b");

    assertEquals(GuardDecision.REFUSED, networks("0.0.0.0/0", "::/0").decide(tx, NON_TCP));
    assertEquals(GuardDecision.ALLOWED_ALL, allowAll().decide(tx, NON_TCP));
  }

  @Test
  void nonTcpClientMustAuthenticate() {
    // Postfix reports a unix-socket smtpd client as localhost[127.0.0.1] with family 'U' (no
    // address)
    TestTransaction tx = TestTransaction.from("spam@shop.example").to("victim@example.net");

    assertEquals(GuardDecision.REFUSED, strict().decide(tx, NON_TCP));
    assertEquals(
        GuardDecision.REFUSED,
        users("www-data").decide(tx, NON_TCP),
        "no lookup names a user there");
    assertEquals(
        GuardDecision.AUTHENTICATED, strict().decide(tx.authenticatedAs("alice"), NON_TCP));
  }

  @Test
  void allowedUserFromAFullLookup() {
    GuardRules rules = users("nagios", "www-data");

    assertEquals(GuardDecision.ALLOWED_USER, rules.decide(loopback(), found("www-data")));
    assertEquals(GuardDecision.REFUSED, rules.decide(loopback(), found("mallory")));
    assertEquals(
        GuardDecision.REFUSED, rules.decide(loopback(), found("WWW-DATA")), "user names are exact");
    assertEquals(
        GuardDecision.REFUSED, rules.decide(loopback(), found(null)), "a uid without a name");
  }

  @Test
  void allowedUserFromAnOwnerOnlyLookup() {
    GuardRules rules = users("www-data");

    assertEquals(GuardDecision.ALLOWED_USER, rules.decide(loopback(), ownerOnly("www-data")));
    assertEquals(GuardDecision.REFUSED, rules.decide(loopback(), ownerOnly("mallory")));
    assertEquals(GuardDecision.REFUSED, rules.decide(loopback(), ownerOnly(null)));
  }

  @Test
  void allowedUsersNeedALookupThatNamedTheUser() {
    GuardRules rules = users("www-data");

    assertEquals(GuardDecision.REFUSED, rules.decide(loopback(), notFound()));
    assertEquals(GuardDecision.REFUSED, rules.decide(loopback(), LOCAL_NO_LOOKUP));
  }

  @Test
  void exceptionsApplyInOrderAllNetworkUser() {
    GuardRules everything =
        new GuardRules(true, List.of(Cidr.parse("127.0.0.0/8")), Set.of("www-data"), REPLY);
    GuardRules networkAndUser =
        new GuardRules(false, List.of(Cidr.parse("127.0.0.0/8")), Set.of("www-data"), REPLY);

    assertEquals(GuardDecision.ALLOWED_ALL, everything.decide(loopback(), found("www-data")));
    assertEquals(
        GuardDecision.ALLOWED_NETWORK, networkAndUser.decide(loopback(), found("www-data")));
    assertEquals(
        GuardDecision.ALLOWED_USER,
        networkAndUser.decide(TestTransaction.from("a@b").client("::1", 1), found("www-data")));
  }

  @Test
  void nonPermanentReplyIsRefusedAtConstruction() {
    SmtpReply temporary = new SmtpReply(451, "4.7.0", "Try again later");

    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new GuardRules(false, List.of(), Set.of(), temporary));
    assertTrue(e.getMessage().contains("451 4.7.0 Try again later"), e.getMessage());
  }

  @Test
  void keepsTheReplyAndCopiesItsCollections() {
    List<Cidr> networks = new ArrayList<>(List.of(Cidr.parse("127.0.0.5")));
    GuardRules rules = new GuardRules(false, networks, Set.of(), new SmtpReply(554, "5.7.1", "No"));
    networks.clear();

    assertEquals(new SmtpReply(554, "5.7.1", "No"), rules.reply());
    assertEquals(
        GuardDecision.ALLOWED_NETWORK,
        rules.decide(TestTransaction.from("a@b").client("127.0.0.5", 1), LOCAL_NO_LOOKUP));
    assertFalse(rules.allowedNetworks().isEmpty());
  }
}
