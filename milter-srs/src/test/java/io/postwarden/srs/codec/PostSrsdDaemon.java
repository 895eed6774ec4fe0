package io.postwarden.srs.codec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * PostSRSd 1.10 ({@code /usr/sbin/postsrsd}) on two free loopback ports, answering its tcp_table
 * protocol: {@code get KEY\n}, answered {@code 200 VALUE} or {@code 500 REASON}, KEY and VALUE
 * URL-encoded.
 */
final class PostSrsdDaemon implements AutoCloseable {

  static final String EXECUTABLE = "/usr/sbin/postsrsd";
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  private static final int ATTEMPTS = 3;

  private final FrozenClockProcess process;
  private final TableConnection forward;
  private final TableConnection reverse;

  private PostSrsdDaemon(
      FrozenClockProcess process, TableConnection forward, TableConnection reverse) {
    this.process = process;
    this.forward = forward;
    this.reverse = reverse;
  }

  /**
   * Always rewrites ({@code -A}), like our codec; retries with new ports if another process took
   * them.
   */
  static PostSrsdDaemon start(
      Instant frozenAt, Path secretsFile, String srsDomain, SrsConfig config)
      throws IOException, InterruptedException {
    IOException lastFailure = null;
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      int forwardPort = freePort();
      int reversePort = freePort();
      FrozenClockProcess process =
          FrozenClockProcess.start(
              frozenAt,
              List.of(
                  EXECUTABLE,
                  "-s" + secretsFile,
                  "-d" + srsDomain,
                  "-l" + LOOPBACK.getHostAddress(),
                  "-f" + forwardPort,
                  "-r" + reversePort,
                  "-a" + config.separator().symbol(),
                  "-n" + config.hashLength(),
                  "-N" + config.hashMinimum(),
                  "-A"));
      try {
        return new PostSrsdDaemon(
            process,
            TableConnection.open(process, forwardPort),
            TableConnection.open(process, reversePort));
      } catch (IOException e) {
        process.close();
        lastFailure = e;
      }
    }
    throw new IOException(
        "PostSRSd did not start on 127.0.0.1 after " + ATTEMPTS + " attempts", lastFailure);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, LOOPBACK)) {
      return socket.getLocalPort();
    }
  }

  ReferenceAnswer forward(String sender) throws IOException {
    return forward.get(sender);
  }

  ReferenceAnswer reverse(String address) throws IOException {
    return reverse.get(address);
  }

  @Override
  public void close() throws IOException {
    try (forward;
        reverse) {
      process.close();
    }
  }

  private static final class TableConnection implements AutoCloseable {

    private static final int CONNECT_TIMEOUT_MILLIS = 5_000;
    private final Socket socket;
    private final BufferedReader in;
    private final OutputStream out;

    private TableConnection(Socket socket) throws IOException {
      this.socket = socket;
      this.in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
      this.out = socket.getOutputStream();
    }

    static TableConnection open(FrozenClockProcess daemon, int port)
        throws IOException, InterruptedException {
      long deadline = System.currentTimeMillis() + CONNECT_TIMEOUT_MILLIS;
      while (true) {
        Socket socket = new Socket();
        try {
          socket.connect(new InetSocketAddress(LOOPBACK, port), CONNECT_TIMEOUT_MILLIS);
          socket.setSoTimeout(CONNECT_TIMEOUT_MILLIS);
          return new TableConnection(socket);
        } catch (IOException e) {
          socket.close();
          if (!daemon.isAlive() || System.currentTimeMillis() > deadline) {
            throw new IOException("cannot connect to PostSRSd on port " + port, e);
          }
          Thread.sleep(20);
        }
      }
    }

    ReferenceAnswer get(String key) throws IOException {
      out.write(("get " + PercentEncoding.encode(key) + "\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String answer = in.readLine();
      if (answer == null || answer.length() < 4) {
        throw new IOException("PostSRSd answered '" + answer + "' to get " + key);
      }
      boolean ok = answer.startsWith("200 ");
      String value = answer.substring(4);
      return new ReferenceAnswer(ok, ok ? PercentEncoding.decode(value) : value);
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
