package io.postwarden.core.protocol;

import static io.postwarden.core.testing.MilterPacketIO.*;
import static org.junit.jupiter.api.Assertions.*;

import io.postwarden.core.policy.Modification.*;
import io.postwarden.core.policy.SmtpReply;
import io.postwarden.core.policy.Verdict;
import org.junit.jupiter.api.Test;
import org.nightcode.milter.codec.MilterPacket;

class ReplyEncoderTest {

  private static void assertPacket(char code, byte[] payload, MilterPacket packet) {
    assertEquals(code, (char) packet.command());
    assertArrayEquals(payload, packet.payload());
  }

  @Test
  void plainVerdicts() {
    assertPacket('c', new byte[0], ReplyEncoder.verdict(Verdict.CONTINUE, null));
    assertPacket('r', new byte[0], ReplyEncoder.verdict(Verdict.REJECT, null));
    assertPacket('t', new byte[0], ReplyEncoder.verdict(Verdict.TEMPFAIL, null));
    assertPacket('d', new byte[0], ReplyEncoder.verdict(Verdict.DISCARD, null));
  }

  @Test
  void refusalWithTextIsAReplyCode() {
    SmtpReply reply = new SmtpReply(530, "5.7.0", "Authentication required");
    assertPacket(
        'y',
        strings("530 5.7.0 Authentication required"),
        ReplyEncoder.verdict(Verdict.REJECT, reply));
  }

  @Test
  void headerModifications() {
    assertPacket(
        'h',
        strings("X-Postwarden-Audit", "id=1"),
        ReplyEncoder.modification(new AddHeader("X-Postwarden-Audit", "id=1")));
    assertPacket(
        'i',
        concat(int32s(0), strings("X-A", "v")),
        ReplyEncoder.modification(new InsertHeader(0, "X-A", "v")));
    assertPacket(
        'm',
        concat(int32s(2), strings("From", "")),
        ReplyEncoder.modification(ChangeHeader.delete("From", 2)));
  }

  @Test
  void envelopeModificationsUseAngleBracketsAndNoEsmtpParameters() {
    // one string only: separate parameter strings make Postfix tempfail the message
    assertPacket(
        'e',
        strings("<SRS0=ab=2W=x.example=u@srs.example>"),
        ReplyEncoder.modification(new ChangeSender("SRS0=ab=2W=x.example=u@srs.example")));
    assertPacket('e', strings("<>"), ReplyEncoder.modification(new ChangeSender("")));
    assertPacket('+', strings("<a@b>"), ReplyEncoder.modification(new AddRecipient("a@b")));
    assertPacket('-', strings("<a@b>"), ReplyEncoder.modification(new DeleteRecipient("a@b")));
    assertPacket('q', strings("held"), ReplyEncoder.modification(new Quarantine("held")));
  }

  @Test
  void eightBitValuesGoOutByteForByte() {
    MilterPacket packet =
        ReplyEncoder.modification(new ChangeHeader("Subject", 1, "R\u00e9\u00ff"));
    assertArrayEquals(
        concat(int32s(1), strings("Subject"), new byte[] {'R', (byte) 0xe9, (byte) 0xff, 0}),
        packet.payload());
  }

  @Test
  void refusesWhatPostfixWouldMangle() {
    assertThrows(
        IllegalArgumentException.class,
        () -> ReplyEncoder.modification(new AddHeader("Bad Name", "v")));
    assertThrows(
        IllegalArgumentException.class, () -> ReplyEncoder.modification(new AddHeader("X:Y", "v")));
    assertThrows(
        IllegalArgumentException.class, () -> ReplyEncoder.modification(new AddHeader("", "v")));
    assertThrows(
        IllegalArgumentException.class,
        () -> ReplyEncoder.modification(new AddHeader("X", "a\0b")));
    assertThrows(
        IllegalArgumentException.class,
        () -> ReplyEncoder.modification(new AddHeader("X", "\u20ac")));
    assertThrows(
        IllegalArgumentException.class,
        () -> ReplyEncoder.modification(new ChangeHeader("X", 0, "v")));
    assertThrows(
        IllegalArgumentException.class,
        () -> ReplyEncoder.modification(new ChangeSender("a\r\nb@c")));
  }

  @Test
  void smtpReplyIsValidated() {
    assertThrows(IllegalArgumentException.class, () -> new SmtpReply(250, "2.0.0", "ok"));
    assertThrows(IllegalArgumentException.class, () -> new SmtpReply(550, "4.7.1", "mismatch"));
    assertThrows(IllegalArgumentException.class, () -> new SmtpReply(550, "5.7.1", "two\r\nlines"));
    assertEquals(
        new SmtpReply(530, "5.7.0", "Authentication required"),
        SmtpReply.parse("530 5.7.0 Authentication required"));
    assertThrows(IllegalArgumentException.class, () -> SmtpReply.parse("530 nope"));
  }
}
