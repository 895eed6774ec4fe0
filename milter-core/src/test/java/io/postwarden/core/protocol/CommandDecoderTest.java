package io.postwarden.core.protocol;

import static io.postwarden.core.testing.MilterPacketIO.*;
import static org.junit.jupiter.api.Assertions.*;

import io.postwarden.core.policy.ClientAddress;
import io.postwarden.core.protocol.MilterCommand.*;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nightcode.milter.CommandCode;
import org.nightcode.milter.codec.MilterPacket;

class CommandDecoderTest {

  private static MilterCommand decode(char command, byte[] payload) {
    return CommandDecoder.decode(MilterPacket.builder().command(command).payload(payload).build());
  }

  @Test
  void optionNegotiation() {
    assertEquals(
        new OptionNegotiation(6, 0x1ff, 0x1fffff), decode('O', int32s(6, 0x1ff, 0x1fffff)));
  }

  @Test
  void connectIpv4() {
    Connect connect = (Connect) decode('C', connectPayload("[127.0.0.1]", '4', 40000, "127.0.0.1"));
    assertEquals("[127.0.0.1]", connect.hostname());
    assertEquals(ClientAddress.Family.INET4, connect.client().family());
    assertEquals("127.0.0.1", connect.client().address().getHostAddress());
    assertEquals(40000, connect.client().port());
  }

  @Test
  void connectIpv6KeepsAddressAndPort() {
    // jmilter hands the handler port 0 and a null address here
    Connect connect = (Connect) decode('C', connectPayload("localhost", '6', 51234, "::1"));
    assertEquals(ClientAddress.Family.INET6, connect.client().family());
    assertTrue(connect.client().address().isLoopbackAddress());
    assertEquals(51234, connect.client().port());
  }

  @Test
  void connectIpv6WithSendmailPrefix() {
    Connect connect = (Connect) decode('C', connectPayload("h", '6', 25, "IPv6:2001:db8::1"));
    assertEquals("2001:db8:0:0:0:0:0:1", connect.client().address().getHostAddress());
  }

  @Test
  void connectV4MappedBecomesIpv4() {
    Connect connect = (Connect) decode('C', connectPayload("h", '6', 25, "::ffff:127.0.0.2"));
    assertEquals(ClientAddress.Family.INET4, connect.client().family());
    assertEquals("127.0.0.2", connect.client().address().getHostAddress());
  }

  @Test
  void connectUnknownFamilyWithoutTrailingNul() {
    // what Postfix sends when it has no address; jmilter rejects it and the session dies
    Connect connect = (Connect) decode('C', concat(strings("unknown"), new byte[] {'U'}));
    assertEquals("unknown", connect.hostname());
    assertSame(ClientAddress.UNKNOWN, connect.client());
  }

  @Test
  void connectUnixSocket() {
    Connect connect = (Connect) decode('C', connectPayload("localhost", 'L', 0, "/run/x.sock"));
    assertEquals(ClientAddress.Family.UNIX, connect.client().family());
    assertEquals("/run/x.sock", connect.client().path());
  }

  @Test
  void connectWithBadAddressIsMalformedNotADnsLookup() {
    ProtocolException e =
        assertThrows(
            ProtocolException.class,
            () -> decode('C', connectPayload("h", '4', 25, "mail.example.com")));
    assertEquals(ProtocolException.Kind.MALFORMED, e.kind());
  }

  @Test
  void connectWithUnknownFamily() {
    assertThrows(
        ProtocolException.class, () -> decode('C', connectPayload("h", 'X', 25, "1.2.3.4")));
  }

  @Test
  void macrosKeepStageAndOrder() {
    DefineMacros macros =
        (DefineMacros) decode('D', macroPayload('M', Map.of("{auth_authen}", "alice")));
    assertEquals('M', macros.stageCode());
    assertEquals(Map.of("{auth_authen}", "alice"), macros.macros());
  }

  @Test
  void mailStripsBracketsAndKeepsEsmtpArgs() {
    Mail mail = (Mail) decode('M', strings("<a@b.example>", "SIZE=100", "BODY=8BITMIME"));
    assertEquals("a@b.example", mail.sender());
    assertEquals(List.of("SIZE=100", "BODY=8BITMIME"), mail.esmtpArgs());
  }

  @Test
  void nullSenderAndSendmailFormWithoutBrackets() {
    assertEquals("", ((Mail) decode('M', strings("<>"))).sender());
    assertEquals("", ((Mail) decode('M', strings(""))).sender());
    assertEquals("www-data@host", ((Rcpt) decode('R', strings("www-data@host"))).recipient());
  }

  @Test
  void headerBytesArePreservedOctetForOctet() {
    byte[] payload =
        concat("Subject".getBytes(), new byte[] {0}, new byte[] {'R', (byte) 0xe9, (byte) 0xff, 0});
    HeaderField header = (HeaderField) decode('L', payload);
    assertEquals("Subject", header.name());
    assertEquals(3, header.value().length());
    assertEquals(0xe9, header.value().charAt(1));
    assertEquals(0xff, header.value().charAt(2));
  }

  @Test
  void bodyAndEndOfMessageCountBytes() {
    assertEquals(new BodyChunk(5), decode('B', "hello".getBytes()));
    assertEquals(new EndOfMessage(0), decode('E', new byte[0]));
  }

  @Test
  void commandsWithoutPayload() {
    assertInstanceOf(Data.class, decode('T', new byte[0]));
    assertInstanceOf(EndOfHeaders.class, decode('N', new byte[0]));
    assertInstanceOf(Abort.class, decode('A', new byte[0]));
    assertInstanceOf(Quit.class, decode('Q', new byte[0]));
    assertInstanceOf(QuitNewConnection.class, decode('K', new byte[0]));
    assertFalse(decode('A', new byte[0]).expectsReply());
    assertTrue(decode('T', new byte[0]).expectsReply());
  }

  @Test
  void unknownCommandByteIsRefused() {
    ProtocolException e = assertThrows(ProtocolException.class, () -> decode('Z', new byte[0]));
    assertEquals(ProtocolException.Kind.UNKNOWN_COMMAND, e.kind());
  }

  @Test
  void truncatedAndUnterminatedPayloadsAreMalformed() {
    assertThrows(ProtocolException.class, () -> decode('O', int32s(6, 0x1ff)));
    assertThrows(ProtocolException.class, () -> decode('H', "no-nul".getBytes()));
    assertThrows(ProtocolException.class, () -> decode('L', strings("OnlyName")));
    assertThrows(ProtocolException.class, () -> decode('M', new byte[0]));
    assertThrows(ProtocolException.class, () -> decode('T', new byte[] {1}));
  }

  @Test
  void usesJmilterCommandCodes() {
    assertEquals('O', CommandCode.SMFIC_OPTNEG.code());
    assertEquals('K', CommandCode.SMFIC_QUIT_NC.code());
  }
}
