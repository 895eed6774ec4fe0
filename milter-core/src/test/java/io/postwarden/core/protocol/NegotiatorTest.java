package io.postwarden.core.protocol;

import static org.junit.jupiter.api.Assertions.*;

import io.postwarden.core.policy.Modification.Capability;
import io.postwarden.core.policy.Stage;
import io.postwarden.core.protocol.MilterCommand.OptionNegotiation;
import io.postwarden.core.testing.MilterPacketIO;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NegotiatorTest {

  private static final OptionNegotiation POSTFIX = new OptionNegotiation(6, 0x1ff, 0x1fffff);

  @Test
  void skipsBodyAndHeadersNobodyNeedsButNeverDataOrEoh() {
    NegotiatedOptions options = Negotiator.answer(POSTFIX, EnumSet.of(Stage.MAIL), Set.of(), false);
    assertTrue(options.skips(0x10), "NOBODY");
    assertTrue(options.skips(0x20), "NOHDRS");
    assertFalse(options.skips(0x200), "NODATA costs a 40 ms stall per message");
    assertFalse(options.skips(0x40), "NOEOH");
    assertFalse(options.skips(0x80), "no NR_HDR on TCP: unanswered writes stall on delayed ACKs");
    assertFalse(options.skips(0x100000), "no HDR_LEADSPC: values stay as Postfix gives them");
  }

  @Test
  void onAUnixSocketOnlyMailRecipientsAndEndOfMessageNeedAReply() {
    Set<Stage> all = EnumSet.allOf(Stage.class);
    NegotiatedOptions unix = Negotiator.answer(POSTFIX, all, Set.of(), true);
    for (int noReply : List.of(0x1000, 0x2000, 0x10000, 0x80, 0x40000, 0x80000)) {
      assertTrue(unix.skips(noReply), "NR bit " + Integer.toHexString(noReply));
    }
    for (int answered : List.of(0x4000, 0x8000)) {
      assertFalse(unix.skips(answered), "MAIL and RCPT decide: " + Integer.toHexString(answered));
    }
    NegotiatedOptions tcp = Negotiator.answer(POSTFIX, all, Set.of(), false);
    assertEquals(0x100, tcp.protocol(), "TCP: every stage answered, only UNKNOWN skipped");
    assertEquals(
        0x80,
        Negotiator.answer(new OptionNegotiation(6, 0x1ff, 0x1ff), all, Set.of(), true).protocol()
            & 0x1ff080,
        "an MTA that offered only NR_HDR of them");
    assertEquals(
        0x100,
        Negotiator.answer(new OptionNegotiation(2, 0x1ff, 0x1fffff), all, Set.of(), true)
            .protocol(),
        "protocol 2 has no NR bits");
    NegotiatedOptions noHeaders = Negotiator.answer(POSTFIX, Set.of(), Set.of(), true);
    assertTrue(noHeaders.skips(0x20));
    assertFalse(noHeaders.skips(0x80), "no headers at all: nothing to answer");
    assertTrue(noHeaders.skips(0x10));
    assertFalse(noHeaders.skips(0x80000), "no body at all: nothing to answer");
  }

  @Test
  void keepsWhatPoliciesNeed() {
    NegotiatedOptions options =
        Negotiator.answer(POSTFIX, EnumSet.of(Stage.HEADERS, Stage.BODY), Set.of(), false);
    assertFalse(options.skips(0x10));
    assertFalse(options.skips(0x20));
  }

  @Test
  void asksOnlyForTheActionsPoliciesUse() {
    NegotiatedOptions options =
        Negotiator.answer(
            POSTFIX, Set.of(), EnumSet.of(Capability.CHANGE_SENDER, Capability.ADD_HEADERS), false);
    assertEquals(0x40 | 0x01 | 0x100, options.actions());
    assertTrue(options.allows(Capability.CHANGE_SENDER));
    assertFalse(options.allows(Capability.DELETE_RECIPIENTS));
  }

  @Test
  void anMtaThatCannotChangeTheSenderIsNotAskedTo() {
    NegotiatedOptions options =
        Negotiator.answer(
            new OptionNegotiation(6, 0x01, 0x1fffff),
            Set.of(),
            EnumSet.of(Capability.CHANGE_SENDER),
            false);
    assertFalse(options.allows(Capability.CHANGE_SENDER));
  }

  @Test
  void requestsConnectionAuthAndQueueIdMacros() {
    NegotiatedOptions options = Negotiator.answer(POSTFIX, Set.of(), Set.of(), false);
    byte[] payload = options.toPacket().payload();
    List<String> lists = MilterPacketIO.splitStrings(payload, 12 + 4);
    String connectList = lists.get(0);
    assertTrue(
        connectList.contains("{client_addr}")
            && connectList.contains("{client_port}")
            && connectList.contains("{daemon_addr}")
            && connectList.contains("{daemon_port}"),
        connectList);
    assertTrue(String.join(" ", lists).contains("{auth_authen}"));
    assertEquals(6, options.version());
  }

  @Test
  void olderMtaGetsItsVersionAndNoMacroRequests() {
    NegotiatedOptions options =
        Negotiator.answer(new OptionNegotiation(2, 0x1ff, 0x7f), Set.of(), Set.of(), false);
    assertEquals(2, options.version());
    assertTrue(options.macroRequests().isEmpty());
    assertEquals(12, options.toPacket().payload().length);
  }

  @Test
  void versionOneIsRefused() {
    assertThrows(
        ProtocolException.class,
        () -> Negotiator.answer(new OptionNegotiation(1, 0x1ff, 0x7f), Set.of(), Set.of(), false));
  }
}
