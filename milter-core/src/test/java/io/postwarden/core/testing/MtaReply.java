package io.postwarden.core.testing;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** One packet the milter sent back. */
public record MtaReply(char code, byte[] payload) {

  /**
   * What the emulator returns for a command the milter negotiated no reply for: it reads nothing
   * and goes on, as after continue.
   */
  public static final MtaReply UNANSWERED = new MtaReply('c', new byte[0]);

  /** Verdict codes that end a stage. */
  public boolean isFinal() {
    return "acrtdyO".indexOf(code) >= 0;
  }

  public List<String> strings() {
    return MilterPacketIO.splitStrings(payload, 0);
  }

  /** Strings after a leading 32-bit index (SMFIR_CHGHEADER, SMFIR_INSHEADER). */
  public List<String> stringsAfterIndex() {
    return MilterPacketIO.splitStrings(payload, 4);
  }

  public int int32(int offset) {
    return ((payload[offset] & 0xff) << 24)
        | ((payload[offset + 1] & 0xff) << 16)
        | ((payload[offset + 2] & 0xff) << 8)
        | (payload[offset + 3] & 0xff);
  }

  public String text() {
    return new String(payload, StandardCharsets.ISO_8859_1);
  }

  @Override
  public String toString() {
    return code + (payload.length == 0 ? "" : " " + text().replace('\0', '|'));
  }
}
