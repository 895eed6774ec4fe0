package io.postwarden.core.session;

import static io.postwarden.core.session.SessionDriver.codes;
import static io.postwarden.core.testing.MilterPacketIO.*;
import static org.junit.jupiter.api.Assertions.*;

import io.postwarden.core.policy.Decision;
import io.postwarden.core.policy.MilterLink;
import io.postwarden.core.policy.Stage;
import io.postwarden.core.testing.ScriptedPolicy;
import java.net.UnixDomainSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nightcode.milter.codec.MilterPacket;

/**
 * What a transaction keeps (headers, recipients) is bounded per transaction and across all
 * sessions.
 */
class TransactionMemoryTest {

  private static final byte[] NOTHING = new byte[0];
  private static final String KIB = "x".repeat(1024);

  private final List<Integer> headersSeen = new ArrayList<>();
  private final ScriptedPolicy readsHeaders =
      new ScriptedPolicy("p")
          .needs(Stage.HEADERS)
          .onEndOfMessage(
              tx -> {
                headersSeen.add(tx.headers().size());
                return Decision.CONTINUE;
              });

  /** A milter connection on one of the package's unix-socket listeners. */
  private static final MilterLink UNIX_SOCKET =
      new MilterLink(null, UnixDomainSocketAddress.of("/var/spool/postfix/postwarden/milter.sock"));

  private SessionDriver openedInTransaction(SessionLimits limits) {
    return openedInTransaction(new SessionDriver(limits, readsHeaders));
  }

  private static SessionDriver openedInTransaction(SessionDriver driver) {
    driver.send('O', int32s(6, 0x1ff, 0x1fffff));
    driver.send('C', connectPayload("localhost", '4', 0, "127.0.0.1"));
    driver.send('H', strings("localhost"));
    assertEquals("c", codes(driver.send('M', strings("<a@x.example>"))));
    assertEquals("c", codes(driver.send('R', strings("<b@y.example>"))));
    driver.send('T', NOTHING);
    return driver;
  }

  private static String header(SessionDriver driver) {
    return codes(driver.send('L', strings("X-Filler", KIB)));
  }

  @Test
  void headersBeyondTheTransactionBoundTempfailThatMessageAndFreeItsMemory() {
    MemoryBudget budget = new MemoryBudget(1 << 20);
    SessionDriver driver = openedInTransaction(new SessionLimits(16 << 10, budget));
    String answers = "";
    for (int i = 0; i < 20 && !answers.endsWith("y"); i++) {
      answers += header(driver);
    }
    assertEquals("c".repeat(answers.length() - 1) + "y", answers);
    assertTrue(answers.length() > 10, "a dozen KiB of headers is fine: " + answers.length());
    List<MilterPacket> reply = driver.send('A', NOTHING);
    assertEquals(List.of(), reply);
    assertEquals(TransactionRecord.Outcome.TEMPFAILED, driver.transactions.get(0).outcome());
    assertEquals(List.of("transaction_too_large"), driver.errors);
    assertEquals(0, budget.used(), "the tempfailed transaction gave its memory back");
  }

  @Test
  void onAUnixSocketHeadersGetNoReplyAndAllAreKept() {
    SessionDriver driver =
        openedInTransaction(
            new SessionDriver(
                new SessionLimits(16 << 10, new MemoryBudget(1 << 20)), UNIX_SOCKET, readsHeaders));
    for (int i = 0; i < 10; i++) {
      assertEquals("", header(driver), "Postfix reads no reply to a header here");
    }
    assertEquals("", codes(driver.send('N', NOTHING)), "nor to end of headers");
    assertEquals("c", codes(driver.send('E', NOTHING)));
    assertEquals(List.of(10), headersSeen);
  }

  @Test
  void onAUnixSocketHeadersBeyondTheBoundTempfailAtEndOfMessageAndFreeTheirMemory() {
    MemoryBudget budget = new MemoryBudget(1 << 20);
    SessionDriver driver =
        openedInTransaction(
            new SessionDriver(new SessionLimits(16 << 10, budget), UNIX_SOCKET, readsHeaders));
    for (int i = 0; i < 40; i++) {
      assertEquals("", header(driver), "header " + i);
    }
    assertTrue(budget.used() <= 16 << 10, "headers past the bound are not kept");
    assertFalse(driver.closed, "the MTA did nothing wrong: it heard no tempfail yet");
    assertEquals("", codes(driver.send('N', NOTHING)), "end of headers gets no reply either");
    assertEquals("y", codes(driver.send('E', NOTHING)));
    assertEquals(TransactionRecord.Outcome.TEMPFAILED, driver.transactions.get(0).outcome());
    assertEquals(List.of("transaction_too_large"), driver.errors);
    assertEquals(0, budget.used());
    assertEquals(List.of(), headersSeen, "no policy saw the tempfailed message");
  }

  @Test
  void aClientThatKeepsSendingHeadersAfterTheTempfailLosesTheSession() {
    SessionDriver driver =
        openedInTransaction(new SessionLimits(8 << 10, new MemoryBudget(1 << 20)));
    while (!header(driver).equals("y")) {
      assertFalse(driver.closed);
    }
    assertEquals("t", codes(driver.send('L', strings("X-More", KIB))));
    assertTrue(driver.closed);
  }

  @Test
  void recipientsCountTowardsTheSameBound() {
    MemoryBudget budget = new MemoryBudget(1 << 20);
    SessionDriver driver = new SessionDriver(new SessionLimits(8 << 10, budget));
    driver.send('O', int32s(6, 0x1ff, 0x1fffff));
    driver.send('C', connectPayload("localhost", '4', 0, "127.0.0.1"));
    driver.send('M', strings("<a@x.example>"));
    String answers = "";
    for (int i = 0; i < 20 && !answers.endsWith("y"); i++) {
      answers += codes(driver.send('R', strings("<" + KIB + "@y.example>")));
    }
    assertTrue(answers.matches("c{5,}y"), answers);
    assertEquals(0, budget.used());
  }

  @Test
  void allSessionsTogetherStayWithinTheSharedBudgetAndMailFlowsAgainOnceItIsReturned() {
    MemoryBudget budget = new MemoryBudget(24 << 10);
    SessionLimits limits = new SessionLimits(16 << 10, budget);
    SessionDriver hog = openedInTransaction(limits);
    SessionDriver victim = openedInTransaction(limits);
    for (int i = 0; i < 14; i++) {
      assertEquals("c", header(hog));
    }
    assertTrue(budget.used() <= budget.capacity());
    String answers = "";
    for (int i = 0; i < 20 && !answers.endsWith("y"); i++) {
      answers += header(victim);
    }
    assertTrue(answers.endsWith("y") && answers.length() < 16, answers);
    assertEquals(List.of("transaction_memory_full"), victim.errors);
    hog.send('E', NOTHING);
    assertEquals(List.of(14), headersSeen, "the hog's message itself was within its bound");
    assertEquals(0, budget.used());

    victim.send('A', NOTHING);
    victim.send('M', strings("<a@x.example>"));
    victim.send('R', strings("<b@y.example>"));
    victim.send('T', NOTHING);
    for (int i = 0; i < 10; i++) {
      assertEquals("c", header(victim));
    }
    assertEquals("c", codes(victim.send('E', NOTHING)).substring(0, 1));
    assertEquals(List.of(14, 10), headersSeen);
    assertEquals(0, budget.used());
  }

  @Test
  void headersNoPolicyReadsAreNotKept() {
    MemoryBudget budget = new MemoryBudget(1 << 20);
    SessionDriver driver =
        new SessionDriver(
            new SessionLimits(8 << 10, budget),
            new ScriptedPolicy("p").onMail(tx -> Decision.CONTINUE));
    driver.send('O', int32s(6, 0x1ff, 0x1fffff));
    driver.send('C', connectPayload("localhost", '4', 0, "127.0.0.1"));
    driver.send('M', strings("<a@x.example>"));
    driver.send('R', strings("<b@y.example>"));
    long recipientOnly = budget.used();
    for (int i = 0; i < 20; i++) {
      assertEquals("c", header(driver));
    }
    assertEquals(recipientOnly, budget.used());
  }
}
