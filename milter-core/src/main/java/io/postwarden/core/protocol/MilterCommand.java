package io.postwarden.core.protocol;

import io.postwarden.core.policy.ClientAddress;
import java.util.List;
import java.util.Map;

/**
 * A decoded command from the MTA. Strings are octet strings (one char per byte), so nothing 8-bit
 * is altered. Pure data: decoding is {@link CommandDecoder}'s job, meaning is the session's.
 */
public sealed interface MilterCommand {

  /**
   * Whether the MTA waits for a reply to this command (before any NR_* negotiation, which we never
   * use).
   */
  default boolean expectsReply() {
    return true;
  }

  record OptionNegotiation(int version, int actions, int protocol) implements MilterCommand {}

  /** Macros for the command {@code stageCode} that follows; never answered. */
  record DefineMacros(char stageCode, Map<String, String> macros) implements MilterCommand {
    @Override
    public boolean expectsReply() {
      return false;
    }
  }

  record Connect(String hostname, ClientAddress client) implements MilterCommand {}

  record Helo(String name) implements MilterCommand {}

  /**
   * MAIL FROM: the address without angle brackets ("" for the null sender) and its ESMTP
   * parameters.
   */
  record Mail(String sender, List<String> esmtpArgs) implements MilterCommand {}

  record Rcpt(String recipient, List<String> esmtpArgs) implements MilterCommand {}

  record Data() implements MilterCommand {}

  record HeaderField(String name, String value) implements MilterCommand {}

  record EndOfHeaders() implements MilterCommand {}

  record BodyChunk(int length) implements MilterCommand {}

  /** End of message; may carry a last body chunk. */
  record EndOfMessage(int trailingBodyLength) implements MilterCommand {}

  /** Ends the current transaction, keeps the connection. */
  record Abort() implements MilterCommand {
    @Override
    public boolean expectsReply() {
      return false;
    }
  }

  record Quit() implements MilterCommand {
    @Override
    public boolean expectsReply() {
      return false;
    }
  }

  /** Quit, but a new SMTP connection follows on the same milter socket. */
  record QuitNewConnection() implements MilterCommand {
    @Override
    public boolean expectsReply() {
      return false;
    }
  }

  /** An SMTP command Postfix did not recognise. */
  record UnknownSmtpCommand(String line) implements MilterCommand {}
}
