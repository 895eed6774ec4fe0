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
    if (command instanceof MilterCommand.Connect) {
      return ProtocolSteps.NO_REPLY_FOR_CONNECT;
    }
    if (command instanceof MilterCommand.Helo) {
      return ProtocolSteps.NO_REPLY_FOR_HELO;
    }
    if (command instanceof MilterCommand.Data) {
      return ProtocolSteps.NO_REPLY_FOR_DATA;
    }
    if (command instanceof MilterCommand.HeaderField) {
      return ProtocolSteps.NO_REPLY_FOR_HEADERS;
    }
    if (command instanceof MilterCommand.EndOfHeaders) {
      return ProtocolSteps.NO_REPLY_FOR_EOH;
    }
    if (command instanceof MilterCommand.BodyChunk) {
      return ProtocolSteps.NO_REPLY_FOR_BODY;
    }
    if (command instanceof MilterCommand.UnknownSmtpCommand) {
      return ProtocolSteps.NO_REPLY_FOR_UNKNOWN;
    }
    return 0;
  }
}
