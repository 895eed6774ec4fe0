package io.postwarden.limits.key;

import static org.junit.jupiter.api.Assertions.*;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class LimitKeyTest {

  @Test
  void keysAreCanonicalSoSpellingCannotSpreadASenderOverSeveral() throws Exception {
    assertEquals(LimitKey.sasl("alice@shop.example"), LimitKey.parse("sasl:Alice@Shop.Example"));
    assertEquals(LimitKey.domain("shop.example"), LimitKey.parse("domain:SHOP.example."));
    assertEquals(
        "client:2001:db8:1:2::/64",
        LimitKey.client(InetAddress.getByName("2001:db8:1:2:aaaa:bbbb:cccc:dddd")).toString());
    assertEquals(
        LimitKey.client(InetAddress.getByName("2001:db8:1:2::99")),
        LimitKey.parse("client:2001:db8:1:2::/64"));
    assertEquals("client:192.0.2.7", LimitKey.parse("client:192.0.2.7").toString());
    assertEquals(LimitKey.SERVER, LimitKey.parse("server"));
    assertEquals("unix:www-shop", LimitKey.parse("unix:www-shop").toString());
  }

  @Test
  void unixUserNamesKeepTheirCase() {
    assertEquals("unix:WebUser", LimitKey.parse("unix:WebUser").toString());
  }

  @Test
  void refusesWhatIsNoKey() {
    for (String bad :
        new String[] {
          "alice",
          "user:alice",
          "sasl:",
          "server:x",
          "client:not-an-ip",
          "sasl:a b",
          "client:300.1.1.1"
        }) {
      assertThrows(IllegalArgumentException.class, () -> LimitKey.parse(bad), bad);
    }
  }
}
