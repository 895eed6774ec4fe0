package io.postwarden.core.server;

import static io.postwarden.core.testing.MilterPacketIO.*;
import static org.junit.jupiter.api.Assertions.*;

import io.postwarden.core.policy.Decision;
import io.postwarden.core.session.ConnectionDrop;
import io.postwarden.core.session.MemoryBudget;
import io.postwarden.core.session.SessionLimits;
import io.postwarden.core.session.SessionObserver;
import io.postwarden.core.testing.MtaEmulator;
import io.postwarden.core.testing.ScriptedPolicy;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A connection holds a session slot only while it keeps the listener's deadlines. The event loop's
 * clock is the test's: it stands still until advanced.
 */
class ListenerDeadlinesTest {

  private static final ListenerLimits LIMITS =
      new ListenerLimits(
          10, 10, 10, Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofMinutes(10));
  private static final byte[] OPTNEG =
      packet('O', int32s(6, MtaEmulator.POSTFIX_ACTIONS, MtaEmulator.POSTFIX_PROTOCOL));

  private static EmbeddedSession session(ScriptedPolicy... policies) throws Exception {
    return new EmbeddedSession(
        LIMITS,
        new SessionLimits(1 << 20, new MemoryBudget(8 << 20)),
        new SessionObserver() {},
        policies);
  }

  @Test
  void aConnectionThatNeverNegotiatesIsClosedAtTheNegotiationDeadline() throws Exception {
    EmbeddedSession idle = session();
    idle.advance(Duration.ofMillis(4_999));
    assertTrue(idle.open());
    idle.advance(Duration.ofMillis(1));
    assertFalse(idle.open());
    assertEquals(List.of(ConnectionDrop.NEGOTIATION_TIMEOUT), idle.drops);
  }

  @Test
  void negotiationTricklingInByteByByteIsStillHeldToTheDeadlineFromConnect() throws Exception {
    EmbeddedSession slow = session();
    for (int i = 0; i < 4; i++) {
      slow.receive(new byte[] {OPTNEG[i]});
      slow.advance(Duration.ofSeconds(1));
    }
    assertTrue(slow.open());
    slow.advance(Duration.ofSeconds(1));
    assertEquals(List.of(ConnectionDrop.NEGOTIATION_TIMEOUT), slow.drops);
  }

  @Test
  void aPacketBegunMustBeCompleteWithinTheFrameDeadlineOfItsFirstByte() throws Exception {
    EmbeddedSession slow = session();
    slow.receive(OPTNEG);
    assertEquals('O', slow.replies().get(0).code());
    byte[] connect = packet('C', connectPayload("localhost", '4', 0, "127.0.0.1"));
    slow.receive(Arrays.copyOfRange(connect, 0, 3));
    slow.advance(Duration.ofSeconds(4));
    slow.receive(Arrays.copyOfRange(connect, 3, 6)); // progress does not restart the clock
    slow.advance(Duration.ofMillis(999));
    assertTrue(slow.open());
    slow.advance(Duration.ofMillis(1));
    assertFalse(slow.open());
    assertEquals(List.of(ConnectionDrop.FRAME_TIMEOUT), slow.drops);
  }

  @Test
  void aSessionBetweenWholePacketsWaitsOnlyForTheIdleTimeout() throws Exception {
    EmbeddedSession postfix = session();
    postfix.receive(OPTNEG);
    postfix.advance(
        Duration.ofMinutes(9)); // Postfix's SMTP client may think for up to smtpd_timeout
    assertTrue(postfix.open());
    postfix.receive(packet('C', connectPayload("localhost", '4', 0, "127.0.0.1")));
    assertEquals('c', postfix.replies().get(1).code());
    postfix.advance(Duration.ofMinutes(10));
    assertFalse(postfix.open());
    assertEquals(List.of(ConnectionDrop.IDLE_TIMEOUT), postfix.drops);
  }

  @Test
  void aPacketHalfReadWhileAPolicyRunsIsNotThePeersFault() throws Exception {
    // the answer to MAIL is queued on the event loop: until it runs, the session reads nothing more
    EmbeddedSession session = session(new ScriptedPolicy("p").onMail(tx -> Decision.CONTINUE));
    session.receive(OPTNEG);
    session.receive(packet('C', connectPayload("localhost", '4', 0, "127.0.0.1")));
    session.holdPolicies();
    session.receive(
        concat(
            packet('M', strings("<a@x.example>")),
            Arrays.copyOf(packet('R', strings("<b@y.example>")), 5)));
    assertFalse(session.channel.config().isAutoRead(), "reading stops while the policy runs");
    session.advance(Duration.ofSeconds(6));
    assertTrue(session.open(), "the frame clock starts over while we do not read");
    session.finishPolicies();
    assertTrue(session.channel.config().isAutoRead());
    assertEquals('c', session.replies().get(2).code());
    session.advance(Duration.ofSeconds(5));
    assertEquals(
        List.of(ConnectionDrop.FRAME_TIMEOUT),
        session.drops,
        "reading again, the peer must finish");
  }

  @Test
  void commandsPiledUpBehindAPolicyStageBeyondTheBoundCloseTheSessionWithATempfail()
      throws Exception {
    EmbeddedSession flood = session(new ScriptedPolicy("p").onMail(tx -> Decision.CONTINUE));
    flood.receive(OPTNEG);
    flood.receive(packet('C', connectPayload("localhost", '4', 0, "127.0.0.1")));
    byte[][] burst = new byte[SessionHandler.MAX_WAITING + 2][];
    burst[0] = packet('M', strings("<a@x.example>"));
    for (int i = 1; i < burst.length; i++) {
      burst[i] = packet('D', macroPayload('R', java.util.Map.of("i", "X")));
    }
    flood.receive(concat(burst));
    assertFalse(flood.open());
    assertEquals(List.of(ConnectionDrop.COMMAND_BACKLOG), flood.drops);
    assertEquals('t', flood.replies().get(2).code());
  }

  @Test
  void commandsPipelinedWithinTheBoundAreAnsweredInOrderAndReadingResumes() throws Exception {
    EmbeddedSession session = session(new ScriptedPolicy("p").onMail(tx -> Decision.CONTINUE));
    session.receive(OPTNEG);
    session.receive(packet('C', connectPayload("localhost", '4', 0, "127.0.0.1")));
    session.receive(
        concat(
            packet('M', strings("<a@x.example>")),
            packet('R', strings("<b@y.example>")),
            packet('T', new byte[0])));
    assertEquals(
        "Occcc",
        session.replies().stream().map(r -> String.valueOf(r.code())).reduce("", String::concat));
    assertTrue(session.channel.config().isAutoRead());
    assertTrue(session.drops.isEmpty());
  }
}
