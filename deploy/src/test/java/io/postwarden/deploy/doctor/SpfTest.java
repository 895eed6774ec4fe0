package io.postwarden.deploy.doctor;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

class SpfTest {

  @Test
  void recognisesSpfRecordsOnly() {
    assertTrue(Spf.isSpf("v=spf1 -all"));
    assertTrue(Spf.isSpf("V=SPF1 mx"));
    assertTrue(Spf.isSpf("v=spf1"));
    assertFalse(Spf.isSpf("v=spf10 mx"));
    assertFalse(Spf.isSpf("site-verification=v=spf1"));
  }

  @Test
  void parsesQualifiersDomainsAndPrefixes() {
    List<Spf.Term> terms = Spf.parse("v=spf1 ip4:192.0.2.0/24 -ip6:2001:db8::/32 ~a:mail.example/28//64 mx/30 "
        + "?include:_spf.example redirect=other.example all");
    Spf.Term ip4 = terms.get(0);
    assertEquals('+', ip4.qualifier());
    assertEquals("ip4", ip4.name());
    assertEquals("192.0.2.0", ip4.domain());
    assertEquals(24, ip4.prefix4());

    Spf.Term ip6 = terms.get(1);
    assertEquals('-', ip6.qualifier());
    assertEquals("2001:db8::", ip6.domain());
    assertEquals(32, ip6.prefix6());

    Spf.Term a = terms.get(2);
    assertEquals('~', a.qualifier());
    assertEquals("mail.example", a.domain());
    assertEquals(28, a.prefix4());
    assertEquals(64, a.prefix6());

    Spf.Term mx = terms.get(3);
    assertNull(mx.domain());
    assertEquals(30, mx.prefix4());

    assertEquals("include", terms.get(4).name());
    assertEquals('?', terms.get(4).qualifier());
    assertTrue(terms.get(5).modifier());
    assertEquals("redirect", terms.get(5).name());
    assertEquals("other.example", terms.get(5).domain());
    assertEquals("all", terms.get(6).name());
  }

  @Test
  void matchesNetworksOfTheSameFamilyOnly() {
    assertTrue(Spf.within(Spf.literal("192.0.2.77", true), Spf.literal("192.0.2.0", true), 24));
    assertFalse(Spf.within(Spf.literal("192.0.3.1", true), Spf.literal("192.0.2.0", true), 24));
    assertTrue(Spf.within(Spf.literal("192.0.2.1", true), Spf.literal("10.0.0.0", true), 0));
    assertTrue(Spf.within(Spf.literal("2001:db8::5", false), Spf.literal("2001:db8::", false), 32));
    assertFalse(Spf.within(Spf.literal("192.0.2.1", true), Spf.literal("::", false), 0));
  }

  @Test
  void literalsNeverResolveNames() {
    assertNull(Spf.literal("mail.example", true));
    assertNull(Spf.literal("192.0.2.1", false));
    assertNull(Spf.literal("2001:db8::1", true));
    assertNotNull(Spf.literal("2001:db8::1", false));
  }
}
