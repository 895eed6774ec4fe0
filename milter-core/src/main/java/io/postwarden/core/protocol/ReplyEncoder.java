package io.postwarden.core.protocol;

import io.postwarden.core.policy.Modification;
import io.postwarden.core.policy.Modification.*;
import io.postwarden.core.policy.SmtpReply;
import io.postwarden.core.policy.Verdict;
import org.nightcode.milter.ResponseCode;
import org.nightcode.milter.codec.MilterPacket;
import org.nightcode.milter.util.MilterPackets;

/** Encodes verdicts and modifications as milter reply packets. Pure. */
public final class ReplyEncoder {

  private ReplyEncoder() {}

  /**
   * A refusal with a reply text is sent as SMFIR_REPLYCODE, which Postfix treats as the verdict
   * itself.
   */
  public static MilterPacket verdict(Verdict verdict, SmtpReply reply) {
    if (reply != null && (verdict == Verdict.REJECT || verdict == Verdict.TEMPFAIL)) {
      return new MilterPacket(
          ResponseCode.SMFIR_REPLYCODE, new OctetWriter().string(reply.toString()).toByteArray());
    }
    return switch (verdict) {
      case CONTINUE -> MilterPackets.SMFIS_CONTINUE;
      case REJECT -> MilterPackets.SMFIS_REJECT;
      case TEMPFAIL -> MilterPackets.SMFIS_TEMPFAIL;
      case DISCARD -> MilterPackets.SMFIS_DISCARD;
    };
  }

  /**
   * Encodes one modification. Header names must be printable ASCII without ':' (Postfix would build
   * a broken header otherwise); values are octet strings without NUL.
   */
  public static MilterPacket modification(Modification modification) {
    OctetWriter out = new OctetWriter();
    ResponseCode code;
    if (modification instanceof AddHeader m) {
      out.string(headerName(m.name())).string(m.value());
      code = ResponseCode.SMFIR_ADDHEADER;
    } else if (modification instanceof InsertHeader m) {
      out.int32(nonNegative(m.position(), "header position"))
          .string(headerName(m.name()))
          .string(m.value());
      code = ResponseCode.SMFIR_INSHEADER;
    } else if (modification instanceof ChangeHeader m) {
      if (m.occurrence() < 1) {
        throw new IllegalArgumentException("header occurrence is 1-based, got " + m.occurrence());
      }
      out.int32(m.occurrence()).string(headerName(m.name())).string(m.value());
      code = ResponseCode.SMFIR_CHGHEADER;
    } else if (modification instanceof ChangeSender m) {
      out.string(address(m.address()));
      code = ResponseCode.SMFIR_CHGFROM;
    } else if (modification instanceof AddRecipient m) {
      out.string(address(m.address()));
      code = ResponseCode.SMFIR_ADDRCPT;
    } else if (modification instanceof DeleteRecipient m) {
      out.string(address(m.address()));
      code = ResponseCode.SMFIR_DELRCPT;
    } else {
      out.string(((Quarantine) modification).reason());
      code = ResponseCode.SMFIR_QUARANTINE;
    }
    return new MilterPacket(code, out.toByteArray());
  }

  private static String headerName(String name) {
    if (name.isEmpty()) {
      throw new IllegalArgumentException("empty header name");
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c <= 0x20 || c >= 0x7f || c == ':') {
        throw new IllegalArgumentException("invalid header name \"" + name + "\"");
      }
    }
    return name;
  }

  private static int nonNegative(int value, String what) {
    if (value < 0) {
      throw new IllegalArgumentException(what + " must not be negative: " + value);
    }
    return value;
  }

  /**
   * Envelope addresses go out in angle brackets (external form); Postfix's cleanup parses them with
   * its RFC 822 tokenizer, so a quoted local part is fine, a line break is not.
   */
  private static String address(String address) {
    for (int i = 0; i < address.length(); i++) {
      char c = address.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        throw new IllegalArgumentException("invalid envelope address \"" + address + "\"");
      }
    }
    return "<" + address + ">";
  }
}
