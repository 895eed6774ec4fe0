package io.postwarden.core.server;

import static io.postwarden.core.testing.MilterPacketIO.*;
import static org.junit.jupiter.api.Assertions.*;

import io.postwarden.core.policy.Decision;
import io.postwarden.core.policy.Modification.AddHeader;
import io.postwarden.core.policy.Modification.Capability;
import io.postwarden.core.policy.Stage;
import io.postwarden.core.session.MemoryBudget;
import io.postwarden.core.session.SessionLimits;
import io.postwarden.core.session.SessionObserver;
import io.postwarden.core.testing.MtaEmulator;
import io.postwarden.core.testing.MtaReply;
import io.postwarden.core.testing.ScriptedPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

/**
 * Random and mutated milter streams through the real pipeline (frame decoder, packet decoder,
 * command decoder, session, policies): no defect of ours surfaces, every byte written back is a
 * well-formed milter reply, and what a session keeps stays within its bounds and is all given back
 * at the end. A longer run against the real daemon is scripts/fuzz-milter.
 */
class MilterProtocolFuzzTest {

  private static final ListenerLimits LIMITS =
      new ListenerLimits(
          10, 10, 10, Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofMinutes(10));
  private static final long TRANSACTION_BYTES = 64 << 10;

  /** Codes a milter may send (libmilter's SMFIR_*); the session never invents others. */
  private static final String REPLY_CODES = "O+-2abcdefhimpqrsty";

  private static final byte[] OPTNEG =
      packet('O', int32s(6, MtaEmulator.POSTFIX_ACTIONS, MtaEmulator.POSTFIX_PROTOCOL));
  private static final byte[] CONNECT =
      concat(
          packet('D', macroPayload('C', Map.of("j", "mx.test.example", "{daemon_name}", "smtpd"))),
          packet('C', connectPayload("localhost", '4', 40000, "127.0.0.1")));
  private static final byte[] TRANSACTION =
      concat(
          packet('H', strings("client.example")),
          packet('D', macroPayload('M', Map.of("{auth_authen}", "alice", "i", "4XyZ1"))),
          packet('M', strings("<a@x.example>", "SIZE=100")),
          packet('R', strings("<b@y.example>")),
          packet('T', new byte[0]),
          packet('L', strings("From", "a@x.example")),
          packet('L', strings("X-Postwarden-Audit", "forged")),
          packet('N', new byte[0]),
          packet('B', "hello\r\n".getBytes()),
          packet('E', new byte[0]),
          packet('A', new byte[0]));

  @Provide
  static Arbitrary<List<byte[]>> streams() {
    Arbitrary<byte[]> postfixLike =
        Arbitraries.frequency(
            Tuple.of(8, TRANSACTION),
            Tuple.of(1, OPTNEG),
            Tuple.of(1, CONNECT),
            Tuple.of(1, packet('A', new byte[0])),
            Tuple.of(1, packet('K', new byte[0])),
            Tuple.of(1, packet('Q', new byte[0])),
            Tuple.of(1, packet('U', strings("NOOP"))));
    Arbitrary<byte[]> anyCommand =
        Combinators.combine(
                Arbitraries.of(
                    'O', 'C', 'D', 'H', 'M', 'R', 'T', 'L', 'N', 'B', 'E', 'A', 'Q', 'K', 'U', 'Z',
                    '\0'),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(80))
            .as((command, payload) -> packet(command, payload));
    Arbitrary<byte[]> garbage = Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(40);
    Arbitrary<byte[]> bigHeader =
        Arbitraries.integers()
            .between(1_000, 70_000)
            .map(size -> packet('L', strings("X-Big", "x".repeat(size))));
    Arbitrary<byte[]> flipped =
        Combinators.combine(
                Arbitraries.of(OPTNEG, CONNECT, TRANSACTION),
                Arbitraries.integers().between(0, 10_000),
                Arbitraries.bytes())
            .as(
                (frame, at, value) -> {
                  byte[] copy = frame.clone();
                  copy[at % copy.length] = value;
                  return copy;
                });
    Arbitrary<byte[]> truncated =
        Combinators.combine(
                Arbitraries.of(CONNECT, TRANSACTION), Arbitraries.integers().between(1, 10_000))
            .as((frame, keep) -> java.util.Arrays.copyOf(frame, keep % frame.length));
    return Arbitraries.frequencyOf(
            Tuple.of(12, postfixLike),
            Tuple.of(2, anyCommand),
            Tuple.of(1, garbage),
            Tuple.of(2, bigHeader),
            Tuple.of(1, flipped),
            Tuple.of(1, truncated))
        .list()
        .ofMaxSize(30);
  }

  /**
   * The frames as one byte stream; mostly opened the way Postfix does, so that mutations reach
   * every phase.
   */
  static byte[] stream(List<byte[]> frames, boolean negotiateFirst) {
    return concat(
        negotiateFirst ? concat(OPTNEG, CONNECT) : new byte[0],
        concat(frames.toArray(byte[][]::new)));
  }

  static List<byte[]> reads(byte[] stream, int size) {
    List<byte[]> reads = new ArrayList<>();
    for (int at = 0; at < stream.length; at += size) {
      reads.add(java.util.Arrays.copyOfRange(stream, at, Math.min(stream.length, at + size)));
    }
    return reads;
  }

  /**
   * One read per packet, as Postfix sends them (it waits for each reply); what does not parse is
   * one read.
   */
  static List<byte[]> packets(byte[] stream) {
    List<byte[]> reads = new ArrayList<>();
    int at = 0;
    while (at < stream.length) {
      int length =
          stream.length - at < 4
              ? -1
              : ((stream[at] & 0xff) << 24)
                  | ((stream[at + 1] & 0xff) << 16)
                  | ((stream[at + 2] & 0xff) << 8)
                  | (stream[at + 3] & 0xff);
      int end = length < 1 || length > stream.length - at - 4 ? stream.length : at + 4 + length;
      reads.add(java.util.Arrays.copyOfRange(stream, at, end));
      at = end;
    }
    return reads;
  }

  /** Mostly Postfix's pace; sometimes slower than the deadlines. */
  @Provide
  Arbitrary<Integer> pauses() {
    return Arbitraries.frequencyOf(
        Tuple.of(4, Arbitraries.integers().between(0, 100)),
        Tuple.of(1, Arbitraries.integers().between(0, 6_000)));
  }

  @Property(tries = 200)
  void noStreamBreaksTheSessionOrItsBounds(
      @ForAll("streams") List<byte[]> frames,
      @ForAll boolean negotiateFirst,
      @ForAll boolean packetByPacket,
      @ForAll @IntRange(min = 1, max = 70_000) int readSize,
      @ForAll("pauses") int millisPerRead)
      throws Exception {
    MemoryBudget budget = new MemoryBudget(1 << 20);
    ScriptedPolicy everything =
        new ScriptedPolicy("fuzz")
            .needs(Stage.HEADERS, Stage.BODY)
            .may(Capability.ADD_HEADERS)
            .onConnect(c -> Decision.CONTINUE)
            .onMail(tx -> Decision.CONTINUE)
            .onRecipient((tx, rcpt) -> Decision.CONTINUE)
            .onEndOfMessage(
                tx ->
                    Decision.modify(new AddHeader("X-Fuzz", String.valueOf(tx.headers().size()))));
    List<LogRecord> defects = new ArrayList<>();
    Handler errors =
        new Handler() {
          @Override
          public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.SEVERE.intValue()) {
              defects.add(record);
            }
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    Logger logger = Logger.getLogger("io.postwarden.core");
    logger.addHandler(errors);
    try {
      EmbeddedSession session =
          new EmbeddedSession(
              LIMITS,
              new SessionLimits(TRANSACTION_BYTES, budget),
              new SessionObserver() {},
              everything);
      byte[] stream = stream(frames, negotiateFirst);
      for (byte[] read : packetByPacket ? packets(stream) : reads(stream, readSize)) {
        if (!session.open()) {
          break;
        }
        session.receive(read);
        session.advance(Duration.ofMillis(millisPerRead));
        assertTrue(
            budget.used() <= TRANSACTION_BYTES,
            () -> "a session keeps " + budget.used() + " bytes");
      }
      List<MtaReply> replies = session.replies();
      for (MtaReply reply : replies) {
        assertTrue(REPLY_CODES.indexOf(reply.code()) >= 0, () -> "not a milter reply: " + reply);
        if (reply.code() == 'y') {
          assertTrue(
              reply.text().matches("[45]\\d\\d [245]\\.\\d{1,3}\\.\\d{1,3} [^\r\n]*\0"),
              reply::toString);
        }
      }
      Statistics.label("reached end of message")
          .collect(replies.stream().anyMatch(r -> r.code() == 'h'));
      Statistics.label("closed by the session").collect(!session.open());
      long verdicts = replies.stream().filter(MtaReply::isFinal).count();
      assertTrue(verdicts <= stream.length / 5 + 1, "more verdicts than commands");
      session.channel.checkException();
      session.channel.close().sync();
      session.channel.runPendingTasks();
      assertEquals(0, budget.used(), "a closed session gives back everything it kept");
      assertEquals(
          List.of(), defects.stream().map(r -> r.getMessage() + ": " + r.getThrown()).toList());
    } finally {
      logger.removeHandler(errors);
    }
  }
}
