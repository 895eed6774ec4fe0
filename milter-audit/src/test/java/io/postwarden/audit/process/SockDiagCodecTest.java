package io.postwarden.audit.process;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetSocketAddress;
import java.nio.ByteOrder;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The sock_diag wire format, against byte vectors laid out by hand from linux/inet_diag.h. */
class SockDiagCodecTest {

  private static final HexFormat HEX = HexFormat.of();
  private static final String ZEROS_12 = "000000000000000000000000";
  private final SockDiagCodec littleEndian = new SockDiagCodec(ByteOrder.LITTLE_ENDIAN);

  @Test
  void asksForAnIpv4SocketByItsExactEndpoints() {
    byte[] request =
        littleEndian.request(7, endpoint("127.0.0.1", 43210), endpoint("127.0.0.2", 25));

    assertArrayEquals(
        hex(
            "48000000"
                + "1400"
                + "0100"
                + "07000000"
                + "00000000" // nlmsghdr: 72 bytes, type 20, request
                + "02"
                + "06"
                + "00"
                + "00"
                + "ffffffff" // AF_INET, TCP, no extensions, all states
                + "a8ca"
                + "0019" // ports, network order
                + "7f000001"
                + ZEROS_12
                + "7f000002"
                + ZEROS_12 // addresses
                + "00000000"
                + "ffffffff"
                + "ffffffff"),
        request); // any interface, no cookie
  }

  @Test
  void asksForAnIpv6SocketInTheHostsByteOrder() {
    byte[] request =
        new SockDiagCodec(ByteOrder.BIG_ENDIAN)
            .request(0x01020304, endpoint("2001:db8::1", 587), endpoint("::1", 25));

    assertArrayEquals(
        hex(
            "00000048"
                + "0014"
                + "0001"
                + "01020304"
                + "00000000"
                + "0a"
                + "06"
                + "00"
                + "00"
                + "ffffffff"
                + "024b"
                + "0019"
                + "20010db8000000000000000000000001"
                + "00000000000000000000000000000001"
                + "00000000"
                + "ffffffff"
                + "ffffffff"),
        request);
  }

  @Test
  void mapsAnIpv4EndpointPairedWithAnIpv6One() {
    byte[] request = littleEndian.request(1, endpoint("127.0.0.1", 43210), endpoint("::1", 25));

    assertEquals(0x0a, request[16]);
    assertEquals("00000000000000000000ffff7f000001", HEX.formatHex(request, 28, 44));
  }

  @Test
  void readsTheOwnerAndInodeOfAnIpv4SocketFollowedByAttributes() {
    byte[] reply =
        hex(
            "64000000"
                + "1400"
                + "0200"
                + "07000000"
                + "d2040000" // 100 bytes, type 20, NLM_F_MULTI
                + "02"
                + "01"
                + "00"
                + "00" // AF_INET, ESTABLISHED, timer, retransmits
                + "a8ca"
                + "0019"
                + "7f000001"
                + ZEROS_12
                + "7f000001"
                + ZEROS_12
                + "00000000"
                + "11223344"
                + "55667788" // interface, cookie
                + "00000000"
                + "00000000"
                + "00000000" // expires, queues
                + "21000000"
                + "f8fcffff" // uid 33, inode 4294966520
                + "0c00"
                + "1500"
                + "0100000000000000"); // an attribute: INET_DIAG_CGROUP_ID

    assertEquals(
        new SockDiagCodec.Socket(
            SockDiagCodec.AF_INET,
            1,
            endpoint("127.0.0.1", 43210),
            endpoint("127.0.0.1", 25),
            33,
            4_294_966_520L),
        littleEndian.reply(reply, reply.length, 7));
  }

  @Test
  void readsV4MappedAddressesOfADualStackSocketAsIpv4() {
    byte[] reply =
        hex(
            "58000000"
                + "1400"
                + "0000"
                + "09000000"
                + "00000000"
                + "0a"
                + "06"
                + "03"
                + "00" // AF_INET6, TIME_WAIT
                + "a8ca"
                + "0019"
                + "00000000000000000000ffff7f000001"
                + "00000000000000000000ffff7f000001"
                + "00000000"
                + "ffffffff"
                + "ffffffff"
                + "00000000"
                + "00000000"
                + "00000000"
                + "00000000"
                + "00000000"); // orphaned: uid 0, inode 0

    assertEquals(
        new SockDiagCodec.Socket(
            SockDiagCodec.AF_INET6,
            6,
            endpoint("127.0.0.1", 43210),
            endpoint("127.0.0.1", 25),
            0,
            0),
        littleEndian.reply(reply, reply.length, 9));
  }

  @Test
  void readsAnErrorAsItsErrno() {
    byte[] reply =
        hex(
            "24000000"
                + "0200"
                + "0000"
                + "07000000"
                + "d2040000"
                + "feffffff" // -ENOENT
                + "48000000"
                + "1400"
                + "0100"
                + "07000000"
                + "00000000"); // the request's header

    assertEquals(new SockDiagCodec.Error(2), littleEndian.reply(reply, reply.length, 7));
  }

  @Test
  void refusesAReplyToAnotherRequest() {
    byte[] reply =
        hex("24000000" + "0200" + "0000" + "06000000" + "00000000" + "feffffff" + "0".repeat(32));

    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> littleEndian.reply(reply, reply.length, 7));
    assertEquals("reply to request 6, expected 7", e.getMessage());
  }

  @Test
  void refusesATruncatedReply() {
    byte[] reply =
        hex("58000000" + "1400" + "0000" + "07000000" + "00000000" + "02010000" + "a8ca0019");

    assertThrows(IllegalArgumentException.class, () -> littleEndian.reply(reply, reply.length, 7));
    byte[] shortMessage =
        hex("1c000000" + "1400" + "0000" + "07000000" + "00000000" + "0201000000000000" + "0000");
    assertThrows(
        IllegalArgumentException.class,
        () -> littleEndian.reply(shortMessage, shortMessage.length, 7));
  }

  @Test
  void refusesAnUnknownAddressFamily() {
    byte[] reply = littleEndianReplyOfFamily(1);

    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> littleEndian.reply(reply, reply.length, 7));
    assertEquals("socket of address family 1", e.getMessage());
  }

  private static byte[] littleEndianReplyOfFamily(int family) {
    byte[] reply = hex("58000000" + "1400" + "0000" + "07000000" + "00000000" + "0".repeat(144));
    reply[16] = (byte) family;
    return reply;
  }

  private static byte[] hex(String digits) {
    return HEX.parseHex(digits);
  }

  private static InetSocketAddress endpoint(String address, int port) {
    return new InetSocketAddress(address, port);
  }
}
