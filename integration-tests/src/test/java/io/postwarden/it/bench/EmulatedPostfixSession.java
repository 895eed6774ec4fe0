package io.postwarden.it.bench;

import static io.postwarden.core.testing.MilterPacketIO.connectPayload;
import static io.postwarden.core.testing.MilterPacketIO.strings;

import io.postwarden.core.testing.MtaEmulator;
import io.postwarden.core.testing.MtaReply;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One SMTP session with one message, as Postfix 3.7's smtpd and cleanup run it against a milter: a
 * new connection, OPTNEG with everything Postfix offers, then CONNECT, HELO, MAIL, RCPT, DATA, five
 * headers, end of headers, a 1 KB body, end of message, and the ABORT, ABORT, QUIT Postfix sends
 * after it. Like Postfix it sends each stage's macros even for a stage the milter declined, skips
 * declined stages, does not wait where the milter negotiated no reply, and writes everything up to
 * the next awaited reply in one segment without TCP_NODELAY. The macros are those Postwarden
 * requests (a superset of Postfix's defaults).
 */
final class EmulatedPostfixSession {

  // libmilter's SMFIP_* protocol bits: stages the milter declined (NO*) or answers without a reply
  // (NR_*)
  private static final int NO_CONNECT = 0x1;
  private static final int NO_HELO = 0x2;
  private static final int NO_MAIL = 0x4;
  private static final int NO_RCPT = 0x8;
  private static final int NO_BODY = 0x10;
  private static final int NO_HEADERS = 0x20;
  private static final int NO_EOH = 0x40;
  private static final int NR_HEADER = 0x80;
  private static final int NO_DATA = 0x200;
  private static final int NR_CONNECT = 0x1000;
  private static final int NR_HELO = 0x2000;
  private static final int NR_MAIL = 0x4000;
  private static final int NR_RCPT = 0x8000;
  private static final int NR_DATA = 0x10000;
  private static final int NR_EOH = 0x40000;
  private static final int NR_BODY = 0x80000;

  static final String SENDER = "sender@remote-sender.example";

  /** Forwarded off this server by a virtual alias, so every message needs SRS. */
  static final String RECIPIENT = "fwd@test.example";

  private static final byte[] BODY =
      ("La de da de da.\r\n".repeat(60)).getBytes(StandardCharsets.US_ASCII);

  /** The SMTP client as Postfix reports it, and the smtpd endpoint it connected to. */
  record Client(String address, int port, String daemonAddress, int daemonPort) {}

  /** What the milter answered at end of message. */
  record Outcome(char verdict, boolean srsRewritten) {}

  private EmulatedPostfixSession() {}

  static Outcome run(SocketAddress milter, Client client, String queueId) throws IOException {
    try (MtaEmulator mta = MtaEmulator.connectLikePostfix(milter)) {
      int protocol = mta.negotiate().int32(8);
      Map<String, String> connect = new LinkedHashMap<>();
      connect.put("j", "mx.test.example");
      connect.put("{daemon_name}", "smtpd");
      connect.put("{daemon_addr}", client.daemonAddress());
      connect.put("{daemon_port}", Integer.toString(client.daemonPort()));
      connect.put("{client_addr}", client.address());
      connect.put("{client_port}", Integer.toString(client.port()));
      connect.put("{client_name}", "unknown");
      connect.put("{client_ptr}", "unknown");
      connect.put("v", "Postfix 3.7.11");
      mta.macros('C', connect);
      step(
          mta,
          protocol,
          NO_CONNECT,
          NR_CONNECT,
          'C',
          connectPayload("[" + client.address() + "]", '4', client.port(), client.address()));
      mta.macros('H', Map.of());
      step(mta, protocol, NO_HELO, NR_HELO, 'H', strings("client.remote-sender.example"));
      mta.macros(
          'M',
          Map.of(
              "{mail_addr}",
              SENDER,
              "{mail_host}",
              "remote-sender.example",
              "{mail_mailer}",
              "smtp"));
      step(mta, protocol, NO_MAIL, NR_MAIL, 'M', strings("<" + SENDER + ">"));
      mta.macros(
          'R',
          Map.of(
              "{rcpt_addr}", RECIPIENT, "{rcpt_host}", "test.example", "{rcpt_mailer}", "local"));
      step(mta, protocol, NO_RCPT, NR_RCPT, 'R', strings("<" + RECIPIENT + ">"));
      Map<String, String> queue = Map.of("i", queueId);
      mta.macros('T', queue);
      step(mta, protocol, NO_DATA, NR_DATA, 'T', new byte[0]);
      for (List<String> header :
          List.of(
              List.of("From", " <" + SENDER + ">"),
              List.of("To", " <" + RECIPIENT + ">"),
              List.of("Subject", " bench"),
              List.of("Date", " Mon, 30 Nov 2026 08:00:00 +0000"),
              List.of("Message-Id", " <" + queueId + "@client.remote-sender.example>"))) {
        mta.macros('L', queue);
        step(mta, protocol, NO_HEADERS, NR_HEADER, 'L', strings(header.get(0), header.get(1)));
      }
      mta.macros('N', queue);
      step(mta, protocol, NO_EOH, NR_EOH, 'N', new byte[0]);
      step(mta, protocol, NO_BODY, NR_BODY, 'B', BODY);
      mta.macros('E', queue);
      List<MtaReply> endOfMessage = mta.exchange('E', new byte[0]);
      mta.abort();
      mta.abort();
      mta.quit();
      boolean rewritten =
          endOfMessage.stream()
              .anyMatch(
                  reply ->
                      reply.code() == 'e'
                          && reply.strings().get(0).replace("<", "").startsWith("SRS0="));
      return new Outcome(endOfMessage.get(endOfMessage.size() - 1).code(), rewritten);
    }
  }

  private static void step(
      MtaEmulator mta, int protocol, int declined, int noReply, char command, byte[] payload)
      throws IOException {
    if ((protocol & declined) != 0) {
      return;
    }
    if ((protocol & noReply) != 0) {
      mta.send(command, payload);
      return;
    }
    MtaReply reply = mta.command(command, payload);
    if (reply.code() != 'c') {
      throw new IOException("milter answered " + reply + " to '" + command + "'");
    }
  }
}
