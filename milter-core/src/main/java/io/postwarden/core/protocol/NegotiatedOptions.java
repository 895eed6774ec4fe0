package io.postwarden.core.protocol;

import io.postwarden.core.policy.Modification.Capability;
import java.util.Map;
import java.util.TreeMap;
import org.nightcode.milter.CommandCode;
import org.nightcode.milter.ProtocolSteps;
import org.nightcode.milter.codec.MilterPacket;

/**
 * What both sides agreed in option negotiation: protocol version, the actions we may take, the
 * steps the MTA leaves out, and the macros we asked for per stage (SMFIR_SETSYMLIST, keyed by
 * jmilter's MacroPlace index).
 */
public record NegotiatedOptions(
    int version, int actions, int protocol, Map<Integer, String> macroRequests) {

  /** The SMFIP_NR_* bit that spares the reply to each kind of command that has one. */
  private static final Map<Class<? extends MilterCommand>, Integer> NO_REPLY_BITS =
      Map.of(
          MilterCommand.Connect.class, ProtocolSteps.NO_REPLY_FOR_CONNECT,
          MilterCommand.Helo.class, ProtocolSteps.NO_REPLY_FOR_HELO,
          MilterCommand.Data.class, ProtocolSteps.NO_REPLY_FOR_DATA,
          MilterCommand.HeaderField.class, ProtocolSteps.NO_REPLY_FOR_HEADERS,
          MilterCommand.EndOfHeaders.class, ProtocolSteps.NO_REPLY_FOR_EOH,
          MilterCommand.BodyChunk.class, ProtocolSteps.NO_REPLY_FOR_BODY,
          MilterCommand.UnknownSmtpCommand.class, ProtocolSteps.NO_REPLY_FOR_UNKNOWN);

  public NegotiatedOptions {
    macroRequests = new TreeMap<>(macroRequests);
  }

  public boolean allows(Capability capability) {
    return (actions & capability.bit()) != 0;
  }

  public boolean skips(int protocolBit) {
    return (protocol & protocolBit) != 0;
  }

  /**
   * The OPTNEG reply: version, actions, protocol, then each macro request as stage index + name
   * list.
   */
  public MilterPacket toPacket() {
    OctetWriter out = new OctetWriter().int32(version).int32(actions).int32(protocol);
    macroRequests.forEach((stage, names) -> out.int32(stage).string(names));
    return new MilterPacket(CommandCode.SMFIC_OPTNEG, out.toByteArray());
  }

  /**
   * Whether the MTA waits for our reply to {@code command}: the protocol has one and we did not
   * negotiate it away (SMFIP_NR_*).
   */
  public boolean awaitsReply(MilterCommand command) {
    return command.expectsReply() && !skips(noReplyBit(command));
  }

  private static int noReplyBit(MilterCommand command) {
    return NO_REPLY_BITS.getOrDefault(command.getClass(), 0);
  }
}
