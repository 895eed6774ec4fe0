package io.postwarden.core.lookup;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class NetstringTest {

  private static ByteBuffer bytes(String text) {
    return ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  private static String payload(Netstring.Parse parse) {
    return new String(
        assertInstanceOf(Netstring.Complete.class, parse).payload(), StandardCharsets.ISO_8859_1);
  }

  @Test
  void bernsteinsExamples() {
    assertEquals("hello world!", payload(Netstring.parse(bytes("12:hello world!,"), 100)));
    assertEquals("", payload(Netstring.parse(bytes("0:,"), 100)));
    assertEquals(
        "12:hello world!,",
        new String(
            Netstring.encode("hello world!".getBytes(StandardCharsets.US_ASCII)),
            StandardCharsets.US_ASCII));
    assertEquals("0:,", new String(Netstring.encode(new byte[0]), StandardCharsets.US_ASCII));
  }

  @Test
  void aSocketmapRequestAsPostfixSendsIt() {
    // dict_sockmap.c: "%s %s" of the socketmap name and the key, sent with netstring_put
    ByteBuffer buffer = bytes("29:forward alice+tag@example.com,");
    assertEquals("forward alice+tag@example.com", payload(Netstring.parse(buffer, 100)));
    assertFalse(buffer.hasRemaining());
  }

  @Test
  void consumesOneNetstringAtATimeAndOnlyWhenComplete() {
    ByteBuffer buffer = bytes("3:abc,2:de,1:f");
    assertEquals("abc", payload(Netstring.parse(buffer, 100)));
    assertEquals("de", payload(Netstring.parse(buffer, 100)));
    int before = buffer.position();
    assertInstanceOf(Netstring.Incomplete.class, Netstring.parse(buffer, 100));
    assertEquals(before, buffer.position(), "an incomplete netstring is not consumed");
    for (String part : new String[] {"", "1", "12", "12:", "12:hello world!"}) {
      assertInstanceOf(Netstring.Incomplete.class, Netstring.parse(bytes(part), 100), part);
    }
  }

  @Test
  void octetsAreKeptAsTheyAre() {
    byte[] octets = {(byte) 0xc3, (byte) 0xa9, 0, ',', ':'};
    assertArrayEquals(
        octets,
        ((Netstring.Complete) Netstring.parse(ByteBuffer.wrap(Netstring.encode(octets)), 10))
            .payload());
  }

  @Test
  void malformedInputIsRefusedWithAReason() {
    for (String bad : new String[] {":abc,", "x:abc,", "3x:abc,", "3:abcd", "01:a,", "-1:a,"}) {
      assertInstanceOf(Netstring.Malformed.class, Netstring.parse(bytes(bad), 100), bad);
    }
  }

  @Test
  void anOverlongLengthIsRefusedBeforeThePayloadArrives() {
    Netstring.Parse parse = Netstring.parse(bytes("10001:"), 10_000);
    assertTrue(
        assertInstanceOf(Netstring.Malformed.class, parse).reason().contains("longer than 10000"));
    assertInstanceOf(
        Netstring.Malformed.class, Netstring.parse(bytes("99999999999999999999"), 10_000));
    assertInstanceOf(Netstring.Incomplete.class, Netstring.parse(bytes("10000:"), 10_000));
  }
}
