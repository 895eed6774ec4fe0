package io.postwarden.core.lookup;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SocketmapCodecTest {

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static String text(byte[] payload) {
    return new String(payload, StandardCharsets.ISO_8859_1);
  }

  @Test
  void requestIsTheTableNameThenTheKey() throws Exception {
    assertEquals(
        new SocketmapCodec.Request("reverse", "SRS0=abcd=2W=example.org=ann@srs.example"),
        SocketmapCodec.request(bytes("reverse SRS0=abcd=2W=example.org=ann@srs.example")));
    assertEquals(
        new SocketmapCodec.Request("access", "\"a b\"@example.com"),
        SocketmapCodec.request(bytes("access \"a b\"@example.com")),
        "only the first space separates");
    assertEquals(
        new SocketmapCodec.Request("forward", ""), SocketmapCodec.request(bytes("forward ")));
    assertEquals(
        "ann@caf\u00e9.example", SocketmapCodec.request(bytes("forward ann@café.example")).key());
  }

  @Test
  void malformedRequestsAreRefused() {
    for (String bad : new String[] {"", "forward", " key", "forward a\0b"}) {
      assertThrows(LookupProtocolException.class, () -> SocketmapCodec.request(bytes(bad)), bad);
    }
  }

  @Test
  void repliesAreThoseDictSockmapParses() {
    assertEquals(
        "OK SRS0=abcd=2W=example.org=ann@srs.example",
        text(
            SocketmapCodec.reply(
                new LookupResult.Found("SRS0=abcd=2W=example.org=ann@srs.example"))));
    assertEquals(
        "OK 550 5.1.1 Invalid SRS address",
        text(SocketmapCodec.reply(new LookupResult.Found("550 5.1.1 Invalid SRS address"))));
    assertEquals("NOTFOUND ", text(SocketmapCodec.reply(LookupResult.NOT_FOUND)));
    assertEquals(
        "TEMP secrets unavailable",
        text(SocketmapCodec.reply(new LookupResult.Failed("secrets unavailable"))));
    assertEquals(
        "PERM no such socketmap: x", text(SocketmapCodec.permanentError("no such socketmap: x")));
  }
}
