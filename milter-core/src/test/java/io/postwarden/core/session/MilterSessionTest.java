package io.postwarden.core.session;

import static io.postwarden.core.session.SessionDriver.codes;
import static io.postwarden.core.testing.MilterPacketIO.*;
import static org.junit.jupiter.api.Assertions.*;

import io.postwarden.core.policy.Decision;
import io.postwarden.core.policy.Modification.AddHeader;
import io.postwarden.core.policy.Modification.Capability;
import io.postwarden.core.policy.Modification.ChangeSender;
import io.postwarden.core.policy.Policy;
import io.postwarden.core.policy.SmtpReply;
import io.postwarden.core.policy.Stage;
import io.postwarden.core.policy.Transaction;
import io.postwarden.core.testing.ScriptedPolicy;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MilterSessionTest {

  private static final byte[] NOTHING = new byte[0];
  private static final SmtpReply AUTH_REQUIRED =
      new SmtpReply(530, "5.7.0", "Authentication required");

  private static void open(SessionDriver driver) {
    assertEquals("O", codes(driver.send('O', int32s(6, 0x1ff, 0x1fffff))));
    driver.send(
        'D', macroPayload('C', Map.of("j", "mx.test.example", "{client_addr}", "127.0.0.1")));
    assertEquals(
        "c", codes(driver.send('C', connectPayload("[127.0.0.1]", '4', 40000, "127.0.0.1"))));
    assertEquals("c", codes(driver.send('H', strings("client"))));
  }

  private static void envelope(SessionDriver driver, String sender, String... recipients) {
    assertEquals("c", codes(driver.send('M', strings("<" + sender + ">"))));
    for (String recipient : recipients) {
      assertEquals("c", codes(driver.send('R', strings("<" + recipient + ">"))));
    }
  }

  private static void message(SessionDriver driver) {
    envelope(driver, "a@x.example", "b@y.example");
    driver.send('T', NOTHING);
    assertEquals("c", codes(driver.send('E', NOTHING)));
  }

  @Test
  void onlyStagesWhereSomePolicyMayBlockGoToTheWorkers() {
    SessionDriver driver =
        new SessionDriver(
            new ScriptedPolicy("lookup")
                .onConnect(c -> Decision.CONTINUE)
                .blocksOnlyAt(Stage.CONNECT),
            new ScriptedPolicy("memory")
                .onMail(tx -> Decision.CONTINUE)
                .onRecipient((tx, r) -> Decision.CONTINUE)
                .onEndOfMessage(tx -> Decision.CONTINUE)
                .blocksOnlyAt());
    open(driver);
    message(driver);
    assertEquals(1, driver.consulted, "CONNECT only");
  }

  @Test
  void aPolicyThatDoesNotSayMayBlockEverywhere() {
    SessionDriver driver =
        new SessionDriver(
            new ScriptedPolicy("quiet")
                .onConnect(c -> Decision.CONTINUE)
                .onMail(tx -> Decision.CONTINUE)
                .onRecipient((tx, r) -> Decision.CONTINUE)
                .onEndOfMessage(tx -> Decision.CONTINUE));
    open(driver);
    message(driver);
    assertEquals(4, driver.consulted, "CONNECT, MAIL, RCPT, end of message");
  }

  @Test
  void aPolicyThatCannotTellWhetherItBlocksRunsOnTheWorkers() {
    SessionDriver driver =
        new SessionDriver(
            new Policy() {
              @Override
              public String name() {
                return "broken";
              }

              @Override
              public Set<Stage> stages() {
                return EnumSet.of(Stage.MAIL);
              }

              @Override
              public Set<Capability> capabilities() {
                return EnumSet.noneOf(Capability.class);
              }

              @Override
              public boolean mayBlock(Stage stage, Transaction tx) {
                throw new IllegalStateException("cannot tell");
              }
            });
    open(driver);
    envelope(driver, "a@x.example");
    assertEquals(1, driver.consulted);
  }

  @Test
  void recipientMacrosDoNotLeakIntoTheNextRecipient() {
    List<Optional<String>> seen = new ArrayList<>();
    SessionDriver driver =
        new SessionDriver(
            new ScriptedPolicy("p")
                .onRecipient(
                    (tx, rcpt) -> {
                      seen.add(tx.macros().get("rcpt_addr"));
                      return Decision.CONTINUE;
                    }));
    open(driver);
    driver.send('M', strings("<a@x.example>"));
    driver.send('D', macroPayload('R', Map.of("{rcpt_addr}", "first@y.example")));
    driver.send('R', strings("<first@y.example>"));
    driver.send('R', strings("<second@y.example>"));
    assertEquals(List.of(Optional.of("first@y.example"), Optional.empty()), seen);
  }

  @Test
  void mailMacrosLastOneTransactionConnectionMacrosTheSession() {
    List<String> seen = new ArrayList<>();
    SessionDriver driver =
        new SessionDriver(
            new ScriptedPolicy("p")
                .onMail(
                    tx -> {
                      seen.add(
                          tx.authenticatedUser().orElse("-")
                              + "/"
                              + tx.connection().macros().get("j").orElse("-"));
                      return Decision.CONTINUE;
                    }));
    open(driver);
    driver.send('D', macroPayload('M', Map.of("{auth_authen}", "alice")));
    envelope(driver, "a@x.example", "b@y.example");
    driver.send('A', NOTHING);
    driver.send('M', strings("<c@x.example>"));
    assertEquals(List.of("alice/mx.test.example", "-/mx.test.example"), seen);
  }

  @Test
  void queueIdAndAuthUserReachTheTransactionLog() {
    SessionDriver driver = new SessionDriver();
    open(driver);
    driver.send('D', macroPayload('M', Map.of("{auth_authen}", "alice")));
    envelope(driver, "a@x.example", "b@y.example");
    driver.send('D', macroPayload('T', Map.of("i", "4XyZ1")));
    driver.send('T', NOTHING);
    assertEquals("c", codes(driver.send('E', NOTHING)));
    TransactionRecord record = driver.transactions.get(0);
    assertEquals("4XyZ1", record.queueId());
    assertEquals("alice", record.authenticatedUser());
    assertEquals(TransactionRecord.Outcome.ACCEPTED, record.outcome());
    assertEquals(1, record.recipients());
  }

  @Test
  void refusalAtMailCarriesTheReplyAndEndsTheTransaction() {
    SessionDriver driver =
        new SessionDriver(new ScriptedPolicy("guard").onMail(tx -> Decision.reject(AUTH_REQUIRED)));
    open(driver);
    List<org.nightcode.milter.codec.MilterPacket> reply =
        driver.send('M', strings("<a@x.example>"));
    assertEquals("y", codes(reply));
    assertEquals(
        strings("530 5.7.0 Authentication required").length, reply.get(0).payload().length);
    assertEquals(TransactionRecord.Outcome.REJECTED, driver.transactions.get(0).outcome());
    assertEquals("guard", driver.transactions.get(0).decidedBy());
    // the client may try again in the same session
    assertEquals("y", codes(driver.send('M', strings("<a@x.example>"))));
  }

  @Test
  void refusedRecipientIsNotInTheTransaction() {
    List<Integer> counts = new ArrayList<>();
    SessionDriver driver =
        new SessionDriver(
            new ScriptedPolicy("p")
                .onRecipient(
                    (tx, r) ->
                        r.address().startsWith("bad")
                            ? Decision.reject(new SmtpReply(550, "5.1.1", "no"))
                            : Decision.CONTINUE)
                .onEndOfMessage(
                    tx -> {
                      counts.add(tx.recipients().size());
                      return Decision.CONTINUE;
                    }));
    open(driver);
    driver.send('M', strings("<a@x.example>"));
    assertEquals("y", codes(driver.send('R', strings("<bad@y.example>"))));
    assertEquals("c", codes(driver.send('R', strings("<good@y.example>"))));
    driver.send('T', NOTHING);
    driver.send('E', NOTHING);
    assertEquals(List.of(1), counts);
  }

  @Test
  void firstRefusalWinsAndLaterPoliciesAreNotAsked() {
    List<String> asked = new ArrayList<>();
    SessionDriver driver =
        new SessionDriver(
            new ScriptedPolicy("first")
                .onMail(
                    tx -> {
                      asked.add("first");
                      return Decision.tempfail(new SmtpReply(451, "4.7.1", "later"));
                    }),
            new ScriptedPolicy("second")
                .onMail(
                    tx -> {
                      asked.add("second");
                      return Decision.CONTINUE;
                    }));
    open(driver);
    assertEquals("y", codes(driver.send('M', strings("<a@x.example>"))));
    assertEquals(List.of("first"), asked);
  }

  @Test
  void modificationsOfAllPoliciesGoOutBeforeTheVerdictInPolicyOrder() {
    SessionDriver driver =
        new SessionDriver(
            new ScriptedPolicy("srs")
                .may(Capability.CHANGE_SENDER)
                .onEndOfMessage(tx -> Decision.modify(new ChangeSender("SRS0=x@srs.example"))),
            new ScriptedPolicy("audit")
                .may(Capability.ADD_HEADERS)
                .onEndOfMessage(tx -> Decision.modify(new AddHeader("X-Postwarden-Audit", "id"))));
    open(driver);
    envelope(driver, "a@x.example", "b@y.example");
    driver.send('T', NOTHING);
    assertEquals("ehc", codes(driver.send('E', NOTHING)));
    assertEquals(
        List.of(ChangeSender.class, AddHeader.class),
        driver.transactions.get(0).modifications().stream().map(Object::getClass).toList());
  }

  @Test
  void modificationNotDeclaredIsNotNegotiatedAndTempfails() {
    // declares no capability, so CHGFROM is never negotiated; jmilter would send it anyway
    SessionDriver driver =
        new SessionDriver(
            new ScriptedPolicy("sloppy")
                .onEndOfMessage(tx -> Decision.modify(new ChangeSender("x@y"))));
    open(driver);
    envelope(driver, "a@x.example", "b@y.example");
    driver.send('T', NOTHING);
    assertEquals("y", codes(driver.send('E', NOTHING)));
    assertEquals(List.of("unnegotiated_modification"), driver.errors);
    assertEquals(TransactionRecord.Outcome.TEMPFAILED, driver.transactions.get(0).outcome());
  }

  @Test
  void modificationsBeforeEndOfMessageTempfail() {
    SessionDriver driver =
        new SessionDriver(
            new ScriptedPolicy("early")
                .may(Capability.ADD_HEADERS)
                .onMail(tx -> Decision.modify(new AddHeader("X-A", "b"))));
    open(driver);
    List<org.nightcode.milter.codec.MilterPacket> reply =
        driver.send('M', strings("<a@x.example>"));
    assertEquals("y", codes(reply));
    assertTrue(new String(reply.get(0).payload()).startsWith("451 4.3.0"));
    assertEquals(List.of("modification_outside_eom"), driver.errors);
  }

  @Test
  void unencodableModificationTempfailsInsteadOfCorruptingTheMessage() {
    SessionDriver driver =
        new SessionDriver(
            new ScriptedPolicy("p")
                .may(Capability.ADD_HEADERS)
                .onEndOfMessage(tx -> Decision.modify(new AddHeader("Bad Name", "v"))));
    open(driver);
    envelope(driver, "a@x.example", "b@y.example");
    assertEquals("y", codes(driver.send('E', NOTHING)));
    assertEquals(List.of("invalid_modification"), driver.errors);
  }

  @Test
  void policyExceptionBecomesAnExplicitTempfail() {
    SessionDriver driver =
        new SessionDriver(
            new ScriptedPolicy("broken")
                .onMail(
                    tx -> {
                      throw new IllegalStateException("boom");
                    }));
    open(driver);
    List<org.nightcode.milter.codec.MilterPacket> reply =
        driver.send('M', strings("<a@x.example>"));
    assertEquals("y", codes(reply));
    assertTrue(new String(reply.get(0).payload()).startsWith("451 4.3.0"));
    assertFalse(driver.closed);
    assertEquals(List.of("policy_exception"), driver.errors);
  }

  /** A milter connection on one of the package's unix-socket listeners. */
  private static SessionDriver overUnixSocket(Policy... policies) {
    return new SessionDriver(
        new SessionLimits(4 << 20, new MemoryBudget(64 << 20)),
        new io.postwarden.core.policy.MilterLink(
            null, java.net.UnixDomainSocketAddress.of("/var/spool/postfix/postwarden/milter.sock")),
        policies);
  }

  @Test
  void onAUnixSocketOnlyOptionsMailRecipientsAndEndOfMessageAreAnswered() {
    SessionDriver driver =
        overUnixSocket(
            new ScriptedPolicy("all")
                .needs(Stage.HEADERS, Stage.BODY)
                .onConnect(c -> Decision.CONTINUE)
                .onHelo(c -> Decision.CONTINUE)
                .onMail(tx -> Decision.CONTINUE)
                .onRecipient((tx, r) -> Decision.CONTINUE)
                .onEndOfMessage(tx -> Decision.CONTINUE));
    String answers =
        codes(driver.send('O', int32s(6, 0x1ff, 0x1fffff)))
            + "|"
            + codes(driver.send('C', connectPayload("[127.0.0.1]", '4', 40000, "127.0.0.1")))
            + "|"
            + codes(driver.send('H', strings("client")))
            + "|"
            + codes(driver.send('M', strings("<a@x.example>")))
            + "|"
            + codes(driver.send('R', strings("<b@y.example>")))
            + "|"
            + codes(driver.send('T', NOTHING))
            + "|"
            + codes(driver.send('L', strings("Subject", "hi")))
            + "|"
            + codes(driver.send('N', NOTHING))
            + "|"
            + codes(driver.send('B', "body".getBytes(java.nio.charset.StandardCharsets.US_ASCII)))
            + "|"
            + codes(driver.send('E', NOTHING));
    assertEquals("O|||c|c|||||c", answers);
    assertEquals(TransactionRecord.Outcome.ACCEPTED, driver.transactions.get(0).outcome());
  }

  @Test
  void anUnansweredRefusalAtConnectIsTheAnswerToEveryMail() {
    SessionDriver driver =
        overUnixSocket(
            new ScriptedPolicy("gate").onConnect(c -> Decision.reject(AUTH_REQUIRED)),
            new ScriptedPolicy("later").onMail(tx -> Decision.CONTINUE));
    assertEquals("O", codes(driver.send('O', int32s(6, 0x1ff, 0x1fffff))));
    assertEquals(
        "", codes(driver.send('C', connectPayload("[127.0.0.1]", '4', 40000, "127.0.0.1"))));
    assertEquals("", codes(driver.send('H', strings("client"))));
    for (int attempt = 0; attempt < 2; attempt++) {
      List<org.nightcode.milter.codec.MilterPacket> reply =
          driver.send('M', strings("<a@x.example>"));
      assertEquals("y", codes(reply), "attempt " + attempt);
      assertTrue(new String(reply.get(0).payload()).startsWith("530 5.7.0"));
      assertEquals(TransactionRecord.Outcome.REJECTED, driver.transactions.get(attempt).outcome());
      assertEquals("gate", driver.transactions.get(attempt).decidedBy());
    }
    assertFalse(driver.closed);
  }

  @Test
  void aFailureAtAnUnansweredHeloTempfailsMailUntilAHeloPasses() {
    SessionDriver driver =
        overUnixSocket(
            new ScriptedPolicy("helo")
                .onHelo(
                    c -> {
                      if (c.helo().equals("broken")) {
                        throw new IllegalStateException("boom");
                      }
                      return Decision.CONTINUE;
                    }));
    driver.send('O', int32s(6, 0x1ff, 0x1fffff));
    driver.send('C', connectPayload("[127.0.0.1]", '4', 40000, "127.0.0.1"));
    assertEquals("", codes(driver.send('H', strings("broken"))));
    List<org.nightcode.milter.codec.MilterPacket> reply =
        driver.send('M', strings("<a@x.example>"));
    assertEquals("y", codes(reply));
    assertTrue(new String(reply.get(0).payload()).startsWith("451 4.3.0"));
    assertEquals(List.of("policy_exception"), driver.errors);
    assertEquals("", codes(driver.send('H', strings("client"))));
    assertEquals("c", codes(driver.send('M', strings("<a@x.example>"))));
  }

  @Test
  void overTcpEveryCommandIsAnswered() {
    SessionDriver driver =
        new SessionDriver(
            new ScriptedPolicy("gate").onConnect(c -> Decision.reject(AUTH_REQUIRED)));
    driver.send('O', int32s(6, 0x1ff, 0x1fffff));
    assertEquals(
        "y", codes(driver.send('C', connectPayload("[127.0.0.1]", '4', 40000, "127.0.0.1"))));
  }

  @Test
  void heloBeforeOptionNegotiationTempfailsAndCloses() {
    SessionDriver driver = new SessionDriver();
    assertEquals("t", codes(driver.send('H', strings("x"))));
    assertTrue(driver.closed);
    assertEquals(List.of("OUT_OF_ORDER"), driver.errors);
  }

  @Test
  void recipientWithoutMailTempfailsAndCloses() {
    SessionDriver driver = new SessionDriver();
    open(driver);
    assertEquals("t", codes(driver.send('R', strings("<b@y.example>"))));
    assertTrue(driver.closed);
  }

  @Test
  void stagesMayBeSkippedButNotReversed() {
    SessionDriver driver = new SessionDriver();
    open(driver);
    envelope(driver, "a@x.example", "b@y.example");
    assertEquals("c", codes(driver.send('B', "body".getBytes())));
    assertEquals("t", codes(driver.send('L', strings("Subject", "late"))));
    assertTrue(driver.closed);
  }

  @Test
  void postfixEndingAbortAbortQuitIsTolerated() {
    SessionDriver driver = new SessionDriver();
    open(driver);
    envelope(driver, "a@x.example", "b@y.example");
    driver.send('T', NOTHING);
    assertEquals("c", codes(driver.send('E', NOTHING)));
    assertEquals("", codes(driver.send('A', NOTHING)));
    assertEquals("", codes(driver.send('A', NOTHING)));
    assertEquals("", codes(driver.send('Q', NOTHING)));
    assertTrue(driver.closed);
    assertEquals(1, driver.transactions.size());
  }

  @Test
  void severalTransactionsOnOneConnectionAndQuitNewConnection() {
    List<String> senders = new ArrayList<>();
    SessionDriver driver =
        new SessionDriver(
            new ScriptedPolicy("p")
                .onEndOfMessage(
                    tx -> {
                      senders.add(tx.sender() + "@" + tx.connection().clientHostname());
                      return Decision.CONTINUE;
                    }));
    open(driver);
    envelope(driver, "one@x.example", "b@y.example");
    driver.send('E', NOTHING);
    envelope(driver, "two@x.example", "b@y.example");
    driver.send('E', NOTHING);
    driver.send('K', NOTHING);
    assertEquals("c", codes(driver.send('C', connectPayload("other", '4', 1, "192.0.2.1"))));
    envelope(driver, "three@x.example", "b@y.example");
    driver.send('E', NOTHING);
    assertEquals(
        List.of("one@x.example@[127.0.0.1]", "two@x.example@[127.0.0.1]", "three@x.example@other"),
        senders);
  }

  @Test
  void headersAndBodySizeReachPoliciesThatAskForThem() {
    List<Transaction> seen = new ArrayList<>();
    SessionDriver driver =
        new SessionDriver(
            new ScriptedPolicy("p")
                .needs(Stage.HEADERS, Stage.BODY)
                .onEndOfMessage(
                    tx -> {
                      seen.add(tx);
                      assertEquals(2, tx.headers().size());
                      assertEquals("R\u00e9sum\u00e9", tx.headers().get(1).value());
                      assertEquals(11, tx.bodySize());
                      return Decision.CONTINUE;
                    }));
    open(driver);
    envelope(driver, "a@x.example", "b@y.example");
    driver.send('T', NOTHING);
    driver.send('L', strings("From", "a@x.example"));
    driver.send(
        'L',
        concat(
            "Subject".getBytes(), new byte[] {0, 'R', (byte) 0xe9, 's', 'u', 'm', (byte) 0xe9, 0}));
    driver.send('N', NOTHING);
    driver.send('B', "hello ".getBytes());
    driver.send('B', "world".getBytes());
    assertEquals("c", codes(driver.send('E', NOTHING)));
    assertEquals(1, seen.size());
  }

  /**
   * A policy that notes who the transaction says logged in, at MAIL, each RCPT and end of message.
   */
  private static ScriptedPolicy authWitness(List<String> seen) {
    return new ScriptedPolicy("witness")
        .onMail(tx -> note(seen, "mail", tx))
        .onRecipient((tx, rcpt) -> note(seen, "rcpt", tx))
        .onEndOfMessage(tx -> note(seen, "eom", tx));
  }

  private static Decision note(List<String> seen, String stage, Transaction tx) {
    seen.add(stage + "=" + tx.authenticatedUser().orElse("-"));
    return Decision.CONTINUE;
  }

  @Test
  void authMacrosOutsideTheMailStageAuthenticateNobody() {
    List<String> seen = new ArrayList<>();
    SessionDriver driver = new SessionDriver(authWitness(seen));
    assertEquals("O", codes(driver.send('O', int32s(6, 0x1ff, 0x1fffff))));
    driver.send('D', macroPayload('C', Map.of("j", "mx.test.example", "{auth_authen}", "connect")));
    driver.send('C', connectPayload("localhost", '4', 40000, "127.0.0.1"));
    driver.send('D', macroPayload('H', Map.of("{auth_authen}", "helo")));
    driver.send('H', strings("client"));
    driver.send('D', macroPayload('M', Map.of("{mail_addr}", "a@x.example")));
    driver.send('M', strings("<a@x.example>"));
    driver.send('D', macroPayload('R', Map.of("{auth_authen}", "rcpt")));
    driver.send('R', strings("<b@y.example>"));
    driver.send('D', macroPayload('T', Map.of("{auth_authen}", "data")));
    driver.send('T', NOTHING);
    driver.send('D', macroPayload('E', Map.of("{auth_authen}", "eom")));
    driver.send('E', NOTHING);

    assertEquals(List.of("mail=-", "rcpt=-", "eom=-"), seen);
    assertNull(driver.transactions.get(0).authenticatedUser());
  }

  @Test
  void mailStageAuthLastsExactlyItsTransaction() {
    List<String> seen = new ArrayList<>();
    SessionDriver driver = new SessionDriver(authWitness(seen));
    open(driver);
    driver.send('D', macroPayload('M', Map.of("{auth_authen}", "alice")));
    envelope(driver, "a@x.example", "b@y.example");
    driver.send('E', NOTHING);
    driver.send('A', NOTHING);
    // the next MAIL without auth macros of its own: alice's login does not carry over
    envelope(driver, "c@x.example", "d@y.example");
    // a MAIL inside an open transaction starts over, with the macros Postfix sent for it
    driver.send('D', macroPayload('M', Map.of("{auth_authen}", "bob")));
    envelope(driver, "e@x.example", "f@y.example");
    driver.send('E', NOTHING);

    assertEquals(
        List.of(
            "mail=alice",
            "rcpt=alice",
            "eom=alice",
            "mail=-",
            "rcpt=-",
            "mail=bob",
            "rcpt=bob",
            "eom=bob"),
        seen);
  }
}
