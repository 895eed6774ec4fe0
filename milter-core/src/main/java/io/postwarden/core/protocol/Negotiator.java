package io.postwarden.core.protocol;

import io.postwarden.core.policy.Modification.Capability;
import io.postwarden.core.policy.Stage;
import io.postwarden.core.protocol.MilterCommand.OptionNegotiation;
import java.util.Map;
import java.util.Set;
import org.nightcode.milter.MacroPlace;
import org.nightcode.milter.ProtocolSteps;

/**
 * Answers the MTA's option offer with the least the active policies need. Pure.
 *
 * <p>On TCP, DATA, end of headers and headers are answered although no policy decides there:
 * Postfix sets no TCP_NODELAY, so a write of its that gets no reply waits ~40 ms for our delayed
 * ACK (it still sends DATA's macros when DATA is negotiated away); answering costs one quick round
 * trip instead (docs/decisions/0003-no-nodata.md). A unix socket has neither Nagle nor delayed
 * ACKs, so there every command whose reply nothing needs is negotiated to get none: CONNECT, HELO,
 * DATA, each header, end of headers and body chunks. Postfix then sends them on with the next
 * command it waits for, and only OPTNEG, MAIL, RCPT and end of message cost a round trip
 * (docs/decisions/0031-no-header-replies-on-unix-sockets.md).
 */
public final class Negotiator {

  public static final int HIGHEST_VERSION = 6;
  static final int SET_SYMBOL_LIST = 0x100;

  /**
   * Macros Postfix does not send by default but the core reports to policies (client and daemon
   * endpoint, auth, queue id). A requested list replaces main.cf's list for that stage, so each
   * list repeats Postfix's defaults.
   */
  static final Map<Integer, String> MACRO_REQUESTS =
      Map.of(
          MacroPlace.SMFIM_CONNECT.index(),
          "j {daemon_name} {daemon_addr} {daemon_port} {client_addr} {client_port} {client_name} {client_ptr} v _",
          MacroPlace.SMFIM_ENVFROM.index(),
          "i {auth_type} {auth_authen} {auth_author} {mail_addr} {mail_host} {mail_mailer}",
          MacroPlace.SMFIM_ENVRCPT.index(),
          "i {rcpt_addr} {rcpt_host} {rcpt_mailer}",
          MacroPlace.SMFIM_DATA.index(),
          "i",
          MacroPlace.SMFIM_EOH.index(),
          "i",
          MacroPlace.SMFIM_EOM.index(),
          "i");

  private Negotiator() {}

  /**
   * @param unansweredIsFree the transport sends a command on at once even when no reply follows it
   *     (a unix socket)
   */
  public static NegotiatedOptions answer(
      OptionNegotiation offer,
      Set<Stage> stages,
      Set<Capability> capabilities,
      boolean unansweredIsFree) {
    if (offer.version() < 2) {
      throw new ProtocolException(
          ProtocolException.Kind.UNSUPPORTED_VERSION,
          "milter protocol version " + offer.version() + " is too old");
    }
    int version = Math.min(HIGHEST_VERSION, offer.version());
    boolean noReplies = unansweredIsFree && version >= 6;
    int skipped = ProtocolSteps.NO_UNKNOWN;
    if (noReplies) {
      // a refusal at CONNECT or HELO is given at MAIL instead (MilterSession)
      skipped |=
          ProtocolSteps.NO_REPLY_FOR_CONNECT
              | ProtocolSteps.NO_REPLY_FOR_HELO
              | ProtocolSteps.NO_REPLY_FOR_DATA
              | ProtocolSteps.NO_REPLY_FOR_EOH;
    }
    if (!stages.contains(Stage.HEADERS)) {
      skipped |= ProtocolSteps.NO_HEADERS;
    } else if (noReplies) {
      skipped |= ProtocolSteps.NO_REPLY_FOR_HEADERS;
    }
    if (!stages.contains(Stage.BODY)) {
      skipped |= ProtocolSteps.NO_BODY;
    } else if (noReplies) {
      skipped |= ProtocolSteps.NO_REPLY_FOR_BODY;
    }
    int wanted = 0;
    for (Capability capability : capabilities) {
      wanted |= capability.bit();
    }
    boolean symbolLists = version >= 6 && (offer.actions() & SET_SYMBOL_LIST) != 0;
    if (symbolLists) {
      wanted |= SET_SYMBOL_LIST;
    }
    return new NegotiatedOptions(
        version,
        wanted & offer.actions(),
        skipped & offer.protocol(),
        symbolLists ? MACRO_REQUESTS : Map.of());
  }
}
