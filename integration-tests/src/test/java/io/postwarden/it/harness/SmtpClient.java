package io.postwarden.it.harness;

import io.postwarden.it.harness.SmtpResult.Exchange;
import io.postwarden.it.harness.SmtpResult.Step;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A tiny, strict SMTP client on JDK sockets that records the exact reply to every step.
 *
 * <pre>{@code
 * SmtpResult r = stack.smtp().localAddress("127.0.0.2")
 *         .from("sender@outside.example").to("bob@test.example")
 *         .data("Subject: hi\n\nhello\n").send();
 * assertEquals(250, r.code(), r::toString);
 * }</pre>
 *
 * <p>Chosen over driving swaks: no Perl start-up per message, no parsing of a human-oriented
 * transcript, and the reply code per step (greeting, EHLO, AUTH, MAIL, each RCPT, DATA,
 * end-of-data) comes straight off the wire. It binds a local source address when asked (127.0.0.2,
 * ::1), does AUTH PLAIN with an initial response, no pipelining and no TLS. The session stops at
 * the first failing step (then QUIT); refused recipients do not stop it while at least one was
 * accepted. Message text gets CRLF line ends and dot-stuffing; a final CRLF is added if missing.
 * One instance describes one session; {@link #send()} may be called again to repeat it.
 */
public final class SmtpClient {

  private final String host;
  private final int port;
  private final Path unixSocket;
  private final List<String> bridge;
  private String localAddress;
  private String helo = "client." + MailStack.REMOTE_DOMAIN;
  private String authUser;
  private String authPassword;
  private String from = "";
  private String mailParams;
  private final List<String> rcpts = new ArrayList<>();
  private byte[] data;
  private boolean rawData;
  private Duration timeout = Duration.ofSeconds(60);

  public SmtpClient(String host, int port) {
    this(host, port, null, null);
  }

  private SmtpClient(String host, int port, Path unixSocket, List<String> bridge) {
    this.host = host;
    this.port = port;
    this.unixSocket = unixSocket;
    this.bridge = bridge;
  }

  /**
   * A session over a unix socket (e.g. a master.cf {@code unix} smtpd); {@link #localAddress} does
   * not apply.
   */
  public static SmtpClient overUnixSocket(Path socket) {
    return new SmtpClient(null, 0, socket, null);
  }

  /**
   * A session over the stdin/stdout of a process that holds the connection (e.g. one started in
   * another network namespace, {@link RemoteNetwork}); {@link #localAddress} does not apply.
   */
  static SmtpClient overProcess(List<String> command) {
    return new SmtpClient(null, 0, null, List.copyOf(command));
  }

  /** Source address to bind, e.g. "127.0.0.2" or "::1". */
  public SmtpClient localAddress(String address) {
    this.localAddress = address;
    return this;
  }

  /** The EHLO argument (default {@code client.outside.example}). */
  public SmtpClient helo(String name) {
    this.helo = name;
    return this;
  }

  /** AUTH PLAIN with these credentials after EHLO. */
  public SmtpClient auth(String user, String password) {
    this.authUser = user;
    this.authPassword = password;
    return this;
  }

  /** MAIL FROM address without brackets; "" (the default) is the null sender. */
  public SmtpClient from(String sender) {
    this.from = sender;
    return this;
  }

  /** ESMTP parameters appended to MAIL FROM, e.g. "BODY=8BITMIME". */
  public SmtpClient mailParams(String params) {
    this.mailParams = params;
    return this;
  }

  public SmtpClient to(String... recipients) {
    rcpts.addAll(List.of(recipients));
    return this;
  }

  /** The message (headers, empty line, body) as text; encoded as UTF-8. */
  public SmtpClient data(String message) {
    return data(message.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The message as bytes; line ends are normalized to CRLF and lines starting with '.' are
   * dot-stuffed.
   */
  public SmtpClient data(byte[] message) {
    this.data = message.clone();
    this.rawData = false;
    return this;
  }

  /**
   * Bytes sent after DATA exactly as given, followed by nothing: they must end with CRLF.CRLF
   * themselves.
   */
  public SmtpClient rawData(byte[] wire) {
    this.data = wire.clone();
    this.rawData = true;
    return this;
  }

  /**
   * Socket read timeout per reply (default 60 s, longer than Postfix's 30 s milter command
   * timeout); over a unix socket or a process, the limit of the whole session.
   */
  public SmtpClient timeout(Duration t) {
    this.timeout = t;
    return this;
  }

  /**
   * Runs the session. Without {@link #data} the session ends after RCPT (accepted if a recipient
   * was); with it, DATA and the content follow.
   */
  public SmtpResult send() {
    List<Exchange> ex = new ArrayList<>();
    Step step = Step.CONNECT;
    String command = null;
    try (Link link = bridge != null ? process() : unixSocket != null ? unix() : tcp()) {
      InputStream in = new BufferedInputStream(link.in());
      OutputStream out = link.out();

      Exchange last = record(ex, step, null, readReply(in));
      if (!last.reply().positive()) {
        return fail(ex, last, out, in);
      }
      step = Step.EHLO;
      command = "EHLO " + helo;
      last = roundTrip(ex, step, command, command, out, in);
      if (!last.reply().positive()) {
        return fail(ex, last, out, in);
      }
      if (authUser != null) {
        step = Step.AUTH;
        String token =
            Base64.getEncoder()
                .encodeToString(
                    ("\0" + authUser + "\0" + authPassword).getBytes(StandardCharsets.UTF_8));
        command = "AUTH PLAIN <" + authUser + " credentials>";
        last = roundTrip(ex, step, "AUTH PLAIN " + token, command, out, in);
        if (last.reply().code() != 235) {
          return fail(ex, last, out, in);
        }
      }
      step = Step.MAIL;
      command = "MAIL FROM:<" + from + ">" + (mailParams == null ? "" : " " + mailParams);
      last = roundTrip(ex, step, command, command, out, in);
      if (!last.reply().positive()) {
        return fail(ex, last, out, in);
      }
      step = Step.RCPT;
      Exchange lastRcpt = null;
      boolean anyAccepted = false;
      for (String rcpt : rcpts) {
        command = "RCPT TO:<" + rcpt + ">";
        lastRcpt = roundTrip(ex, step, command, command, out, in);
        anyAccepted |= lastRcpt.reply().positive();
        if (lastRcpt.reply().code() == 421) {
          return fail(ex, lastRcpt, out, in);
        }
      }
      if (lastRcpt == null) {
        throw new IllegalStateException("no recipients given");
      }
      if (!anyAccepted) {
        return fail(ex, lastRcpt, out, in);
      }
      if (data == null) {
        quit(ex, out, in);
        return new SmtpResult(ex, null, lastRcpt);
      }
      step = Step.DATA;
      command = "DATA";
      last = roundTrip(ex, step, command, command, out, in);
      if (last.reply().code() != 354) {
        return fail(ex, last, out, in);
      }
      step = Step.END_OF_DATA;
      byte[] wire = rawData ? data : encode(data);
      command = "<message, " + wire.length + " bytes>";
      out.write(wire);
      out.flush();
      last = record(ex, step, command, readReply(in));
      if (!last.reply().positive()) {
        return fail(ex, last, out, in);
      }
      quit(ex, out, in);
      return new SmtpResult(ex, null, last);
    } catch (IOException e) {
      Exchange broken = record(ex, step, command, SmtpReply.none("connection failed: " + e));
      return new SmtpResult(ex, step, broken);
    }
  }

  /** The two directions of one connection. */
  private record Link(InputStream in, OutputStream out, Closeable connection) implements Closeable {
    @Override
    public void close() throws IOException {
      connection.close();
    }
  }

  private Link tcp() throws IOException {
    Socket socket = new Socket();
    try {
      if (localAddress != null) {
        socket.bind(new InetSocketAddress(InetAddress.getByName(localAddress), 0));
      }
      socket.connect(
          new InetSocketAddress(InetAddress.getByName(host), port), (int) timeout.toMillis());
      socket.setSoTimeout((int) timeout.toMillis());
      return new Link(socket.getInputStream(), socket.getOutputStream(), socket);
    } catch (IOException e) {
      socket.close();
      throw e;
    }
  }

  /**
   * Channels have no read timeout: closing the channel after {@code timeout} ends a read a hung
   * server blocks.
   */
  private Link unix() throws IOException {
    SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(unixSocket));
    CompletableFuture.delayedExecutor(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .execute(
            () -> {
              try {
                channel.close();
              } catch (IOException e) {
                // closed already
              }
            });
    return new Link(Channels.newInputStream(channel), Channels.newOutputStream(channel), channel);
  }

  /**
   * Like {@link #unix()}: a process pipe has no read timeout, so the process is killed after {@code
   * timeout}.
   */
  private Link process() throws IOException {
    Process process =
        new ProcessBuilder(bridge).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    CompletableFuture.delayedExecutor(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .execute(process::destroyForcibly);
    return new Link(process.getInputStream(), process.getOutputStream(), process::destroyForcibly);
  }

  private SmtpResult fail(List<Exchange> ex, Exchange failing, OutputStream out, InputStream in) {
    quit(ex, out, in);
    return new SmtpResult(ex, failing.step(), failing);
  }

  private void quit(List<Exchange> ex, OutputStream out, InputStream in) {
    try {
      roundTrip(ex, Step.QUIT, "QUIT", "QUIT", out, in);
    } catch (IOException e) {
      // the server may already have closed the connection (e.g. after 421)
    }
  }

  private static Exchange roundTrip(
      List<Exchange> ex, Step step, String wire, String shown, OutputStream out, InputStream in)
      throws IOException {
    out.write((wire + "\r\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
    return record(ex, step, shown, readReply(in));
  }

  private static Exchange record(List<Exchange> ex, Step step, String command, SmtpReply reply) {
    Exchange e = new Exchange(step, command, reply);
    ex.add(e);
    return e;
  }

  private static SmtpReply readReply(InputStream in) throws IOException {
    List<String> lines = new ArrayList<>();
    while (true) {
      String line = readLine(in);
      if (line == null) {
        return lines.isEmpty()
            ? SmtpReply.none("connection closed by server")
            : SmtpReply.none("connection closed in the middle of a reply: " + lines);
      }
      if (line.length() < 3 || !line.substring(0, 3).chars().allMatch(Character::isDigit)) {
        throw new IOException("malformed reply line: " + line);
      }
      lines.add(line.length() > 4 ? line.substring(4) : "");
      if (line.length() == 3 || line.charAt(3) != '-') {
        return SmtpReply.of(Integer.parseInt(line.substring(0, 3)), lines);
      }
    }
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != -1) {
      if (b == '\n') {
        byte[] bytes = buf.toByteArray();
        int len =
            bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return new String(bytes, 0, len, StandardCharsets.UTF_8);
      }
      buf.write(b);
    }
    return null;
  }

  /** CRLF line ends, dot-stuffing, final CRLF, then ".CRLF". */
  static byte[] encode(byte[] message) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(message.length + 64);
    boolean lineStart = true;
    for (int i = 0; i < message.length; i++) {
      byte b = message[i];
      if (lineStart && b == '.') {
        out.write('.');
      }
      if (b == '\r' && i + 1 < message.length && message[i + 1] == '\n') {
        continue; // the LF writes the CRLF
      }
      if (b == '\n' || b == '\r') {
        out.write('\r');
        out.write('\n');
        lineStart = true;
        continue;
      }
      out.write(b);
      lineStart = false;
    }
    if (!lineStart) {
      out.write('\r');
      out.write('\n');
    }
    out.write('.');
    out.write('\r');
    out.write('\n');
    return out.toByteArray();
  }
}
