package io.postwarden.core.protocol;

import io.netty.util.NetUtil;
import io.postwarden.core.policy.ClientAddress;
import io.postwarden.core.protocol.MilterCommand.*;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nightcode.milter.codec.MilterPacket;

/**
 * Turns one milter packet into a {@link MilterCommand}. Pure: no I/O, no state. Replaces jmilter's
 * command processors, which reject family 'U', lose IPv6 addresses and decode 8-bit strings as
 * UTF-8 (docs/decisions/0002-own-session-layer.md).
 */
public final class CommandDecoder {

  private CommandDecoder() {}

  public static MilterCommand decode(MilterPacket packet) {
    OctetReader in = new OctetReader(packet.payload());
    char code = (char) (packet.command() & 0xff);
    MilterCommand command =
        switch (code) {
          case 'O' -> new OptionNegotiation(in.int32(), in.int32(), in.int32());
          case 'D' -> macros(in);
          case 'C' -> connect(in);
          case 'H' -> new Helo(in.string());
          case 'M' -> mail(in.strings());
          case 'R' -> rcpt(in.strings());
          case 'T' -> new Data();
          case 'L' -> new HeaderField(in.string(), in.string());
          case 'N' -> new EndOfHeaders();
          case 'B' -> new BodyChunk(skipAll(in));
          case 'E' -> new EndOfMessage(skipAll(in));
          case 'A' -> new Abort();
          case 'Q' -> new Quit();
          case 'K' -> new QuitNewConnection();
          case 'U' -> new UnknownSmtpCommand(in.string());
          default ->
              throw new ProtocolException(
                  ProtocolException.Kind.UNKNOWN_COMMAND,
                  String.format("unknown command byte 0x%02x", (int) code));
        };
    if (!(command instanceof OptionNegotiation)) {
      in.expectEnd();
    }
    return command;
  }

  private static int skipAll(OctetReader in) {
    int length = in.remaining();
    while (!in.atEnd()) {
      in.octet();
    }
    return length;
  }

  private static DefineMacros macros(OctetReader in) {
    char stage = in.octet();
    Map<String, String> macros = new LinkedHashMap<>();
    while (!in.atEnd()) {
      String name = in.string();
      macros.put(name, in.string());
    }
    return new DefineMacros(stage, macros);
  }

  private static Connect connect(OctetReader in) {
    String hostname = in.string();
    char family = in.octet();
    if (family == 'U') {
      // Postfix ends the packet after the family byte when it knows no address; tolerate a stray
      // NUL too
      while (!in.atEnd()) {
        in.octet();
      }
      return new Connect(hostname, ClientAddress.UNKNOWN);
    }
    int port = in.uint16();
    String address = in.string();
    return new Connect(
        hostname,
        switch (family) {
          case '4', '6' -> inet(address, port);
          case 'L' -> new ClientAddress(ClientAddress.Family.UNIX, null, 0, address);
          default -> throw OctetReader.malformed("unknown address family '" + family + "'");
        });
  }

  private static ClientAddress inet(String literal, int port) {
    String bare = literal.regionMatches(true, 0, "IPv6:", 0, 5) ? literal.substring(5) : literal;
    // never InetAddress.getByName: on a non-literal it would start a DNS lookup
    InetAddress address = NetUtil.createInetAddressFromIpAddressString(bare);
    if (address == null) {
      throw OctetReader.malformed("not an IP address: " + literal);
    }
    ClientAddress.Family family =
        address instanceof Inet4Address ? ClientAddress.Family.INET4 : ClientAddress.Family.INET6;
    return new ClientAddress(family, address, port, null);
  }

  private static Mail mail(List<String> args) {
    if (args.isEmpty()) {
      throw OctetReader.malformed("MAIL without sender");
    }
    return new Mail(stripBrackets(args.get(0)), args.subList(1, args.size()));
  }

  private static Rcpt rcpt(List<String> args) {
    if (args.isEmpty()) {
      throw OctetReader.malformed("RCPT without recipient");
    }
    return new Rcpt(stripBrackets(args.get(0)), args.subList(1, args.size()));
  }

  /** SMTP gives {@code <a@b>}; sendmail(1) submissions arrive without brackets. */
  static String stripBrackets(String address) {
    if (address.length() >= 2
        && address.charAt(0) == '<'
        && address.charAt(address.length() - 1) == '>') {
      return address.substring(1, address.length() - 1);
    }
    return address;
  }
}
