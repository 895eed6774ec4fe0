package io.postwarden.it.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Pure unit tests of the harness parsers and encoders (no processes). */
class HarnessUnitTest {

  @Test
  void headersAreUnfoldedAndCaseInsensitive() {
    byte[] msg =
        ("Received: from a\r\n\tby b; date\r\nSubject: one\r\nX-Tag: a\r\nx-tag:  b\r\n"
                + "\r\nBody: not a header\r\n")
            .getBytes(StandardCharsets.UTF_8);
    Headers h = Headers.parse(msg);

    assertEquals(List.of("Received", "Subject", "X-Tag", "x-tag"), h.names());
    assertEquals("from a\tby b; date", h.first("received").orElseThrow());
    assertEquals(List.of("a", "b"), h.all("X-TAG"));
    assertEquals(List.of("a", "b"), h.asMap().get("x-tag"));
    assertEquals("Received: from a\r\n\tby b; date", h.fields().get(0).raw());
    assertEquals(0, h.count("Body"));
  }

  @Test
  void headersWithLfOnlyAndNoBody() {
    Headers h = Headers.parse("A: 1\nB: 2\n".getBytes(StandardCharsets.UTF_8));
    assertEquals(List.of("A", "B"), h.names());
  }

  @Test
  void smtpEncodingNormalizesLineEndsAndStuffsDots() {
    byte[] wire = SmtpClient.encode("a\n.b\r\n..c\rd".getBytes(StandardCharsets.UTF_8));
    assertEquals("a\r\n..b\r\n...c\r\nd\r\n.\r\n", new String(wire, StandardCharsets.US_ASCII));
    assertEquals(".\r\n", new String(SmtpClient.encode(new byte[0]), StandardCharsets.US_ASCII));
  }

  @Test
  void procNetAddressesDecode() throws Exception {
    assertEquals(InetAddress.getByName("127.0.0.1"), Readiness.decodeAddress("0100007F"));
    assertEquals(
        InetAddress.getByName("::1"), Readiness.decodeAddress("00000000000000000000000001000000"));
    assertEquals(
        InetAddress.getByName("::"), Readiness.decodeAddress("00000000000000000000000000000000"));
  }

  @Test
  void postqueueJsonParses() {
    String json =
        "{\"queue_name\": \"deferred\", \"queue_id\": \"B635F20C264\", \"arrival_time\": 1795598629, "
            + "\"message_size\": 428, \"forced_expire\": false, \"sender\": \"a@outside.example\", "
            + "\"recipients\": [{\"address\": \"bob@outside.example\", \"delay_reason\": \"connect to "
            + "127.0.0.1[127.0.0.1]:2999: Connection refused\"}, {\"address\": \"q\\\"x@outside.example\"}]}\n"
            + "{\"queue_name\": \"maildrop\", \"queue_id\": \"3D64520C48D\", \"sender\": \"\", "
            + "\"recipients\": [{\"address\": \"c@outside.example\"}]}\n";
    List<QueuedMessage> q = QueuedMessage.parse(json);

    assertEquals(2, q.size());
    assertEquals("deferred", q.get(0).queueName());
    assertEquals("B635F20C264", q.get(0).queueId());
    assertEquals(List.of("bob@outside.example", "q\"x@outside.example"), q.get(0).recipients());
    assertTrue(q.get(0).delayReasons().get(0).contains("Connection refused"));
    assertEquals("", q.get(1).sender());
  }

  @Test
  void replyParsesEnhancedCode() {
    SmtpReply r = SmtpReply.of(451, List.of("4.7.1 Service unavailable - try again later"));
    assertEquals("4.7.1", r.enhanced());
    assertTrue(r.transientFailure());
    assertEquals("", SmtpReply.of(220, List.of("mx.test.example ESMTP Postfix")).enhanced());
  }

  @Test
  void remoteNetworkSlotsSkipRoutesTheHostHas() {
    String routes =
        "default via 192.0.2.1 dev eth0 \n192.0.2.0/24 dev eth0 proto kernel scope link src 192.0.2.2 \n"
            + "local 127.0.0.1 dev lo table local proto kernel scope host src 127.0.0.1 \n"
            + "local fd00::2 dev eth0 table local proto kernel metric 0 pref medium\n"
            + "2001:db8:5057:13::/64 dev pwit3 proto kernel metric 256 pref medium\n";
    assertEquals(
        List.of("192.0.2.0/24", "127.0.0.1", "fd00::2", "2001:db8:5057:13::/64"),
        RemoteNetwork.routePrefixes(routes));
    assertEquals("198.51.100.96/27", RemoteNetwork.subnetV4(3));
    assertEquals("203.0.113.224/27", RemoteNetwork.subnetV4(RemoteNetwork.SLOTS - 1));
    assertTrue(RemoteNetwork.overlaps("2001:db8:5057:13::/64", RemoteNetwork.subnetV6(3)));
    assertTrue(!RemoteNetwork.overlaps("2001:db8:5057:13::/64", RemoteNetwork.subnetV6(4)));
    assertTrue(RemoteNetwork.overlaps("198.51.100.0/24", RemoteNetwork.subnetV4(3)));
    assertTrue(RemoteNetwork.overlaps("198.51.100.97", RemoteNetwork.subnetV4(3)));
    assertTrue(!RemoteNetwork.overlaps("198.51.100.128", RemoteNetwork.subnetV4(3)));
    assertTrue(!RemoteNetwork.overlaps("192.0.2.0/24", RemoteNetwork.subnetV4(0)));
    assertTrue(
        !RemoteNetwork.overlaps("fd00::2", RemoteNetwork.subnetV4(0)), "families never overlap");
  }
}
