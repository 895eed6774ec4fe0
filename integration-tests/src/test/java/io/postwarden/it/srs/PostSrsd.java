package io.postwarden.it.srs;

import io.postwarden.it.harness.Ports;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's PostSRSd 1.10 on loopback ports, as a site runs it before migrating: Postfix's canonical
 * maps ({@code tcp:127.0.0.1:PORT}) or a direct table query.
 */
public final class PostSrsd implements AutoCloseable {

  private final Process process;
  private final int forwardPort = Ports.freePort();
  private final int reversePort = Ports.freePort();

  public PostSrsd(Path secretsFile, String srsDomain, String... excludedDomains)
      throws IOException {
    List<String> command =
        new java.util.ArrayList<>(
            List.of(
                "/usr/sbin/postsrsd",
                "-s" + secretsFile,
                "-d" + srsDomain,
                "-l127.0.0.1",
                "-4",
                "-f" + forwardPort,
                "-r" + reversePort));
    for (String domain : excludedDomains) {
      command.add("-X" + domain);
    }
    process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    awaitListening();
  }

  /** The map Postfix's sender_canonical_maps uses. */
  public String forwardMap() {
    return "tcp:127.0.0.1:" + forwardPort;
  }

  public String reverseMap() {
    return "tcp:127.0.0.1:" + reversePort;
  }

  public int forwardPort() {
    return forwardPort;
  }

  public int reversePort() {
    return reversePort;
  }

  /** One tcp_table request as Postfix sends it (the key %XX-encoded), PostSRSd's raw reply line. */
  public String tcpTableReply(int port, String key) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(5000);
      socket
          .getOutputStream()
          .write(("get " + hexQuoted(key) + "\n").getBytes(StandardCharsets.ISO_8859_1));
      return new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1))
          .readLine();
    }
  }

  /** Postfix's hex_quote(). */
  public static String hexQuoted(String key) {
    StringBuilder out = new StringBuilder();
    for (char c : key.toCharArray()) {
      out.append(
          c > ' ' && c < 0x7f && c != '%' ? String.valueOf(c) : String.format("%%%02X", (int) c));
    }
    return out.toString();
  }

  /** Asks PostSRSd's forward table; returns the SRS address. */
  public String forward(String address) throws IOException {
    return query(forwardPort, address);
  }

  private void awaitListening() throws IOException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException("postsrsd exited with " + process.exitValue());
      }
      try (Socket probe = new Socket("127.0.0.1", forwardPort)) {
        return;
      } catch (IOException notYet) {
        sleep();
      }
    }
    throw new IOException("postsrsd did not listen in 10s");
  }

  private static String query(int port, String key) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(5000);
      OutputStream out = socket.getOutputStream();
      out.write(("get " + key + "\n").getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      String line =
          new BufferedReader(
                  new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1))
              .readLine();
      if (line == null || !line.startsWith("200 ")) {
        throw new IOException("postsrsd answered " + line + " for " + key);
      }
      return percentDecoded(line.substring(4));
    }
  }

  /** The tcp_table encoding: %XX for controls, space, % and 8-bit bytes; '+' stays '+'. */
  private static String percentDecoded(String value) {
    StringBuilder out = new StringBuilder(value.length());
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '%' && i + 2 < value.length()) {
        out.append((char) Integer.parseInt(value.substring(i + 1, i + 3), 16));
        i += 2;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static void sleep() {
    try {
      Thread.sleep(20);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
