package io.postwarden.audit.journal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JournalEntryTest {

  @Test
  void aValueWithoutNewlineIsNameEqualsValue() {
    assertArrayEquals(
        bytes("MESSAGE=audit accept\nPOSTWARDEN_RECIPIENTS=2\n"),
        new JournalEntry()
            .field("MESSAGE", "audit accept")
            .field("POSTWARDEN_SASL_USER", null)
            .field("POSTWARDEN_RECIPIENTS", "2")
            .bytes());
  }

  @Test
  void aValueWithNewlinesIsLengthPrefixedLittleEndian() {
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    expected.writeBytes(bytes("POSTWARDEN_CWD\n"));
    // "/x\n\u00e9" is 5 bytes in UTF-8
    expected.writeBytes(new byte[] {5, 0, 0, 0, 0, 0, 0, 0});
    expected.writeBytes("/x\n\u00e9".getBytes(StandardCharsets.UTF_8));
    expected.writeBytes(bytes("\nPRIORITY=6\n"));

    assertArrayEquals(
        expected.toByteArray(),
        new JournalEntry().field("POSTWARDEN_CWD", "/x\n\u00e9").field("PRIORITY", "6").bytes());
  }

  @Test
  void theLengthIsAllEightBytes() {
    byte[] entry = new JournalEntry().field("A", "\n" + "x".repeat(0x1_02_03)).bytes();

    assertArrayEquals(
        new byte[] {'A', '\n', 4, 2, 1, 0, 0, 0, 0, 0}, java.util.Arrays.copyOf(entry, 10));
  }

  @Test
  void fieldNamesAreJournaldsUserFieldNames() {
    for (String bad : new String[] {"", "_PID", "1X", "lower", "A-B", "A=B", "X".repeat(65)}) {
      assertThrows(IllegalArgumentException.class, () -> new JournalEntry().field(bad, "v"), bad);
    }
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }
}
