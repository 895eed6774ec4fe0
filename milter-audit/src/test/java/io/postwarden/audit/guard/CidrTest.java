package io.postwarden.audit.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CidrTest {

  private static InetAddress ip(String literal) {
    try {
      return InetAddress.getByName(literal); // literals only: no DNS
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void ipv4NetworkContainsItsAddressesOnly() {
    Cidr ten = Cidr.parse("10.0.0.0/8");

    assertEquals(ip("10.0.0.0"), ten.network());
    assertEquals(8, ten.prefixLength());
    assertTrue(ten.contains(ip("10.0.0.0")));
    assertTrue(ten.contains(ip("10.255.255.255")));
    assertTrue(ten.contains(ip("10.1.2.3")));
    assertFalse(ten.contains(ip("11.0.0.0")));
    assertFalse(ten.contains(ip("9.255.255.255")));
    assertFalse(ten.contains(ip("138.0.0.1")), "first octet differs only in its top bit");
  }

  @Test
  void ipv6NetworkContainsItsAddressesOnly() {
    Cidr ula = Cidr.parse("fd00::/8");

    assertInstanceOf(Inet6Address.class, ula.network());
    assertTrue(ula.contains(ip("fd00::1")));
    assertTrue(ula.contains(ip("fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")));
    assertFalse(ula.contains(ip("fe00::1")));
    assertFalse(ula.contains(ip("fc00::1")));

    Cidr doc = Cidr.parse("2001:db8:1::/48");
    assertTrue(doc.contains(ip("2001:db8:1:ffff::25")));
    assertFalse(doc.contains(ip("2001:db8:2::25")));
  }

  @Test
  void bareIpv4AddressIsASlash32() {
    Cidr one = Cidr.parse("192.0.2.5");

    assertEquals(32, one.prefixLength());
    assertTrue(one.contains(ip("192.0.2.5")));
    assertFalse(one.contains(ip("192.0.2.4")));
    assertFalse(one.contains(ip("192.0.2.6")));
    assertEquals("192.0.2.5/32", one.toString());
  }

  @Test
  void bareIpv6AddressIsASlash128() {
    Cidr one = Cidr.parse("2001:db8::25");

    assertEquals(128, one.prefixLength());
    assertTrue(one.contains(ip("2001:db8::25")));
    assertFalse(one.contains(ip("2001:db8::24")));
    assertFalse(one.contains(ip("2001:db8::125")));
  }

  @Test
  void bracketedIpv6WithAndWithoutPrefix() {
    Cidr network = Cidr.parse("[fd00::]/8");
    assertEquals(Cidr.parse("fd00::/8"), network);
    assertTrue(network.contains(ip("fd12::1")));

    Cidr bare = Cidr.parse("[::1]");
    assertEquals(128, bare.prefixLength());
    assertTrue(bare.contains(ip("::1")));
    assertFalse(bare.contains(ip("::2")));
  }

  @Test
  void surroundingWhitespaceIsIgnored() {
    assertEquals(Cidr.parse("10.0.0.0/8"), Cidr.parse("  10.0.0.0/8\t"));
  }

  @Test
  void slashZeroContainsTheWholeFamilyAndNothingElse() {
    Cidr allV4 = Cidr.parse("0.0.0.0/0");
    assertTrue(allV4.contains(ip("0.0.0.0")));
    assertTrue(allV4.contains(ip("255.255.255.255")));
    assertTrue(allV4.contains(ip("127.0.0.1")));
    assertFalse(allV4.contains(ip("::1")));
    assertFalse(allV4.contains(ip("2001:db8::1")));

    Cidr allV6 = Cidr.parse("::/0");
    assertTrue(allV6.contains(ip("::1")));
    assertTrue(allV6.contains(ip("ffff::1")));
    assertFalse(allV6.contains(ip("10.0.0.1")));
  }

  @ParameterizedTest(name = "{0} contains {1}: {2}")
  @CsvSource({
    // /7: the mask ends inside the first octet
    "10.0.0.0/7,    10.0.0.1,        true",
    "10.0.0.0/7,    11.255.255.255,  true",
    "10.0.0.0/7,    12.0.0.0,        false",
    "10.0.0.0/7,    9.255.255.255,   false",
    // /25: the mask ends inside the last octet
    "192.0.2.0/25,  192.0.2.0,       true",
    "192.0.2.0/25,  192.0.2.127,     true",
    "192.0.2.0/25,  192.0.2.128,     false",
    "192.0.2.128/25, 192.0.2.128,    true",
    "192.0.2.128/25, 192.0.2.255,    true",
    "192.0.2.128/25, 192.0.2.127,    false",
    // /31 and /1
    "192.0.2.4/31,  192.0.2.5,       true",
    "192.0.2.4/31,  192.0.2.6,       false",
    "128.0.0.0/1,   255.1.2.3,       true",
    "128.0.0.0/1,   127.255.255.255, false",
    // host bits set in the network are ignored
    "10.9.8.7/8,    10.1.1.1,        true",
    "10.9.8.7/8,    11.9.8.7,        false",
    // IPv6 prefixes that end mid-octet
    "2001:db8::/33, 2001:db8:7fff::1, true",
    "2001:db8::/33, 2001:db8:8000::1, false",
    "fe80::/10,     febf::1,          true",
    "fe80::/10,     fec0::1,          false",
  })
  void oddPrefixes(String network, String address, boolean expected) {
    assertEquals(expected, Cidr.parse(network).contains(ip(address)));
  }

  @Test
  void familiesNeverMatchEachOther() {
    assertFalse(Cidr.parse("127.0.0.0/8").contains(ip("::1")));
    assertFalse(Cidr.parse("::1").contains(ip("127.0.0.1")));
    // an IPv6 network whose first bytes look like an IPv4 address
    assertFalse(Cidr.parse("a00::/8").contains(ip("10.0.0.1")));
    assertFalse(Cidr.parse("10.0.0.0/8").contains(ip("a00::1")));
  }

  @Test
  void v4MappedLiteralIsTheIpv4Address() {
    // Postfix's v4-mapped client addresses arrive as IPv4, so the configured form must match them
    Cidr mapped = Cidr.parse("::ffff:192.0.2.7");
    assertInstanceOf(Inet4Address.class, mapped.network());
    assertEquals(32, mapped.prefixLength());
    assertTrue(mapped.contains(ip("::ffff:192.0.2.7")));
    assertTrue(mapped.contains(ip("192.0.2.7")));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "   ",
        "localhost",
        "mail.example.org",
        "10.0.0",
        "10.0.0.256",
        "1.2.3.4.5",
        "2001:db8:::1",
        "[10.0.0.0/8",
        "10.0.0.0 /8",
        "/8",
        "::g"
      })
  void rejectsWhatIsNotAnAddress(String text) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse(text));
    assertEquals("not an address or network: \"" + text + "\"", e.getMessage());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "10.0.0.0/33,     32",
    "10.0.0.0/-1,     32",
    "10.0.0.0/,       32",
    "10.0.0.0/eight,  32",
    "10.0.0.0/8/8,    32",
    "10.0.0.0/99999999999, 32",
    "fd00::/129,      128",
    "[fd00::]/200,    128",
    "::1/x,           128",
  })
  void rejectsPrefixesOutOfRange(String text, int bits) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse(text));
    assertEquals("prefix length must be 0 to " + bits + ": \"" + text + "\"", e.getMessage());
  }

  @Test
  void acceptsBothEndsOfThePrefixRange() {
    assertEquals(0, Cidr.parse("10.0.0.0/0").prefixLength());
    assertEquals(32, Cidr.parse("10.0.0.1/32").prefixLength());
    assertEquals(0, Cidr.parse("fd00::/0").prefixLength());
    assertEquals(128, Cidr.parse("fd00::1/128").prefixLength());
  }

  @Test
  void printsInCanonicalForm() {
    assertEquals("10.0.0.0/8", Cidr.parse("10.0.0.0/8").toString());
    assertEquals("fd00:0:0:0:0:0:0:0/8", Cidr.parse("[fd00::]/8").toString());
  }

  @Test
  void v4MappedNetworksCountTheMappingBits() {
    Cidr mapped = Cidr.parse("::ffff:10.0.0.0/104");
    assertTrue(mapped.contains(ip("10.200.0.1")));
    assertFalse(mapped.contains(ip("11.0.0.1")));
    assertEquals("10.0.0.0/8", mapped.toString());
    assertThrows(IllegalArgumentException.class, () -> Cidr.parse("::ffff:10.0.0.0/8"));
    assertThrows(IllegalArgumentException.class, () -> Cidr.parse("10.0.0.0/+8"));
  }
}
