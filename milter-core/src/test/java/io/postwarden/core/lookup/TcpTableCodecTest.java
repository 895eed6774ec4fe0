package io.postwarden.core.lookup;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class TcpTableCodecTest {

  @Test
  void requestKeysAreDecodedAsPostfixsHexQuoteWroteThem() throws Exception {
    assertEquals("ann@example.org", TcpTableCodec.request("get ann@example.org"));
    assertEquals("\"a b\"@example.org", TcpTableCodec.request("get \"a%20b\"@example.org"));
    assertEquals("100%", TcpTableCodec.request("get 100%25"));
    assertEquals("a/b", TcpTableCodec.request("get a%2fb"), "hex digits in either case");
    assertEquals("caf\u00e9", TcpTableCodec.request("get caf%E9"));
    assertEquals("", TcpTableCodec.request("get "));
  }

  @Test
  void malformedRequestsAreRefused() {
    for (String bad :
        new String[] {
          "", "get", "put a b", "GET a", "get 100%", "get %4", "get %zz", "get a%00b"
        }) {
      assertThrows(LookupProtocolException.class, () -> TcpTableCodec.request(bad), bad);
    }
  }

  @Test
  void encodingMatchesHexQuote() {
    // hex_quote(): '%', whitespace and non-printable octets as %XX, upper-case hex
    assertEquals(
        "SRS0=abcd=2W=example.org=ann@srs.example",
        TcpTableCodec.encode("SRS0=abcd=2W=example.org=ann@srs.example"));
    assertEquals("a%20b%09c%25d%0A%7F%E9", TcpTableCodec.encode("a b\tc%d\n\u007f\u00e9"));
    assertEquals("+/=-_", TcpTableCodec.encode("+/=-_"), "'+' stays '+' (not form encoding)");
  }

  @Test
  void repliesAreThoseDictTcpParses() {
    assertEquals(
        "200 SRS0=abcd=2W=example.org=ann@srs.example",
        TcpTableCodec.reply(new LookupResult.Found("SRS0=abcd=2W=example.org=ann@srs.example")));
    assertEquals(
        "200 550%205.1.1%20Invalid",
        TcpTableCodec.reply(new LookupResult.Found("550 5.1.1 Invalid")));
    assertTrue(TcpTableCodec.reply(LookupResult.NOT_FOUND).startsWith("500 "));
    assertEquals("400 try%20later", TcpTableCodec.reply(new LookupResult.Failed("try later")));
  }
}
