package io.postwarden.core.testing;

import static io.postwarden.core.testing.MilterPacketIO.*;

import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Plays Postfix's side of the milter protocol over a real socket (TCP or unix), one command at a
 * time, so tests can drive Postwarden exactly as an MTA would, or misbehave on purpose. Replaces
 * jmilter's client, which cannot parse an OPTNEG reply with macro requests or send family 'U'.
 */
public final class MtaEmulator implements AutoCloseable {

  /** What Postfix 3.7 offers: version 6, every action, every protocol step bit. */
  public static final int POSTFIX_ACTIONS = 0x1ff;

  public static final int POSTFIX_PROTOCOL = 0x1fffff;

  private final SocketChannel channel;
  private final Socket socket;
  private final OutputStream out;
  private final DataInputStream in;

  /**
   * Postfix's way: commands collect in a buffer that goes out in one write when a reply is awaited.
   */
  private final boolean flushBeforeRead;

  /** The protocol bits the milter chose at OPTNEG: which commands it reads with no reply. */
  private int agreedProtocol;

  private MtaEmulator(SocketChannel channel, boolean likePostfix) throws IOException {
    this.channel = channel;
    this.socket = null;
    this.flushBeforeRead = likePostfix;
    this.out =
        likePostfix
            ? new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 17)
            : Channels.newOutputStream(channel);
    this.in = new DataInputStream(Channels.newInputStream(channel));
  }

  private MtaEmulator(Socket socket, boolean likePostfix) throws IOException {
    this.channel = null;
    this.socket = socket;
    this.flushBeforeRead = likePostfix;
    socket.setSoTimeout(likePostfix ? 60_000 : 10_000);
    socket.setTcpNoDelay(!likePostfix);
    this.out =
        likePostfix
            ? new BufferedOutputStream(socket.getOutputStream(), 1 << 17)
            : socket.getOutputStream();
    this.in = new DataInputStream(socket.getInputStream());
  }

  /**
   * Connects over TCP to an InetSocketAddress, or over a unix socket to a
   * java.net.UnixDomainSocketAddress.
   */
  public static MtaEmulator connect(SocketAddress address) throws IOException {
    if (address instanceof java.net.InetSocketAddress inet) {
      Socket socket = new Socket();
      socket.connect(inet, 5_000);
      return new MtaEmulator(socket, false);
    }
    return new MtaEmulator(SocketChannel.open(address), false);
  }

  /**
   * Connects (over TCP, or a unix socket) the way Postfix's milter client writes: without
   * TCP_NODELAY, and with every packet (macros, commands that expect no reply) held in a buffer
   * until a reply is awaited, then sent in one write. Benchmarks use this so that the milter sees
   * the same segments, and the same Nagle and delayed-ACK interplay, as behind Postfix.
   */
  public static MtaEmulator connectLikePostfix(SocketAddress address) throws IOException {
    if (!(address instanceof InetSocketAddress inet)) {
      return new MtaEmulator(SocketChannel.open(address), true);
    }
    Socket socket = new Socket();
    socket.connect(inet, 5_000);
    return new MtaEmulator(socket, true);
  }

  /**
   * Connects over TCP from a chosen local address, e.g. 127.0.0.2: another peer on the same host.
   */
  public static MtaEmulator connectFrom(String localAddress, InetSocketAddress address)
      throws IOException {
    Socket socket = new Socket();
    socket.bind(new InetSocketAddress(localAddress, 0));
    socket.connect(address, 5_000);
    return new MtaEmulator(socket, false);
  }

  public void send(char command, byte[] payload) throws IOException {
    sendRaw(packet(command, payload));
  }

  public void sendRaw(byte[] bytes) throws IOException {
    if (flushBeforeRead) {
      out.write(bytes);
    } else {
      write(out, bytes);
    }
  }

  public MtaReply read() throws IOException {
    if (flushBeforeRead) {
      out.flush();
    }
    return MilterPacketIO.read(in);
  }

  /** Sends a command and collects replies up to and including the one that ends the stage. */
  public List<MtaReply> exchange(char command, byte[] payload) throws IOException {
    send(command, payload);
    List<MtaReply> replies = new ArrayList<>();
    MtaReply reply;
    do {
      reply = read();
      replies.add(reply);
    } while (!reply.isFinal());
    return replies;
  }

  /**
   * Sends a command and returns its final reply, or {@link MtaReply#UNANSWERED} when the milter
   * negotiated no reply for it (SMFIP_NR_*): then, as Postfix does, the emulator reads nothing and
   * goes on.
   */
  public MtaReply command(char command, byte[] payload) throws IOException {
    if ((agreedProtocol & noReplyBit(command)) != 0) {
      send(command, payload);
      return MtaReply.UNANSWERED;
    }
    List<MtaReply> replies = exchange(command, payload);
    return replies.get(replies.size() - 1);
  }

  private static int noReplyBit(char command) {
    return switch (command) {
      case 'C' -> 0x1000;
      case 'H' -> 0x2000;
      case 'M' -> 0x4000;
      case 'R' -> 0x8000;
      case 'T' -> 0x10000;
      case 'U' -> 0x20000;
      case 'N' -> 0x40000;
      case 'B' -> 0x80000;
      case 'L' -> 0x80;
      default -> 0;
    };
  }

  public MtaReply negotiate() throws IOException {
    return negotiate(6, POSTFIX_ACTIONS, POSTFIX_PROTOCOL);
  }

  public MtaReply negotiate(int version, int actions, int protocol) throws IOException {
    MtaReply reply = command('O', int32s(version, actions, protocol));
    if (reply.code() == 'O' && reply.payload().length >= 12) {
      agreedProtocol = reply.int32(8);
    }
    return reply;
  }

  public void macros(char stage, Map<String, String> macros) throws IOException {
    send('D', macroPayload(stage, macros));
  }

  public MtaReply connectInet(String hostname, String address, int port) throws IOException {
    return command('C', connectPayload(hostname, address.contains(":") ? '6' : '4', port, address));
  }

  public MtaReply helo(String name) throws IOException {
    return command('H', strings(name));
  }

  public MtaReply mail(String... args) throws IOException {
    return command('M', strings(args));
  }

  public MtaReply rcpt(String... args) throws IOException {
    return command('R', strings(args));
  }

  public MtaReply data() throws IOException {
    return command('T', new byte[0]);
  }

  public MtaReply header(String name, String value) throws IOException {
    return command('L', strings(name, value));
  }

  public MtaReply endOfHeaders() throws IOException {
    return command('N', new byte[0]);
  }

  public MtaReply body(byte[] chunk) throws IOException {
    return command('B', chunk);
  }

  /** End of message: every modification packet, then the verdict last. */
  public List<MtaReply> endOfMessage() throws IOException {
    return exchange('E', new byte[0]);
  }

  public void abort() throws IOException {
    send('A', new byte[0]);
  }

  public void quit() throws IOException {
    send('Q', new byte[0]);
  }

  /**
   * A whole ordinary SMTP transaction as Postfix runs it; returns the end-of-message replies. Each
   * step must answer continue.
   */
  public List<MtaReply> transaction(
      String sender, List<String> recipients, Map<String, String> headers) throws IOException {
    expectContinue(mail("<" + sender + ">"));
    for (String recipient : recipients) {
      expectContinue(rcpt("<" + recipient + ">"));
    }
    expectContinue(data());
    for (Map.Entry<String, String> header : headers.entrySet()) {
      expectContinue(header(header.getKey(), header.getValue()));
    }
    expectContinue(endOfHeaders());
    return endOfMessage();
  }

  /** Negotiates and connects like Postfix from a loopback client. */
  public void openSession(String clientAddress, int clientPort) throws IOException {
    negotiate();
    Map<String, String> connectMacros = new LinkedHashMap<>();
    connectMacros.put("j", "mail.test.example");
    connectMacros.put("{client_addr}", clientAddress);
    macros('C', connectMacros);
    expectContinue(connectInet("[" + clientAddress + "]", clientAddress, clientPort));
    expectContinue(helo("client.test.example"));
  }

  public static void expectContinue(MtaReply reply) {
    if (reply.code() != 'c') {
      throw new AssertionError("expected continue, got " + reply);
    }
  }

  /**
   * Reads until the milter closes the connection; returns how many bytes came first: replies to
   * commands that were negotiated to get none would show here.
   */
  public int bytesBeforeClose() throws IOException {
    int count = 0;
    while (in.read() >= 0) {
      count++;
    }
    return count;
  }

  /** True when the milter closed the connection (EOF) within the socket timeout. */
  public boolean closedByPeer() throws IOException {
    try {
      InputStream raw = in;
      while (true) {
        int b = raw.read();
        if (b < 0) {
          return true;
        }
      }
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true;
    }
  }

  @Override
  public void close() throws IOException {
    if (flushBeforeRead && (socket != null ? !socket.isClosed() : channel.isOpen())) {
      try {
        out.flush(); // a QUIT still in the buffer
      } catch (IOException peerGone) {
        // closing anyway
      }
    }
    if (socket != null) {
      socket.close();
    } else {
      channel.close();
    }
  }
}
