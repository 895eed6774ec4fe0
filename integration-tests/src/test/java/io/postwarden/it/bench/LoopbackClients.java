package io.postwarden.it.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URISyntaxException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Stands in for smtpd and its local SMTP clients at the milter level. Each client is a real TCP
 * connection to a loopback listener of this process, made by a helper process running as {@code
 * nobody} ({@code loopback-clients.py} beside this class). That gives Postwarden's process lookup a
 * real socket to find behind the {client_addr}:{client_port} → {daemon_addr}:{daemon_port} it is
 * told about, owned by an unprivileged process with few descriptors, like {@code smtp-source}
 * through Postfix.
 */
final class LoopbackClients implements AutoCloseable {

  static final String CLIENT_USER = "nobody";

  private final ServerSocketChannel listener;
  private final InetSocketAddress address;
  private final Process helper;
  private final Writer commands;
  private final BufferedReader answers;

  private LoopbackClients(ServerSocketChannel listener, Process helper) throws IOException {
    this.listener = listener;
    this.address = (InetSocketAddress) listener.getLocalAddress();
    this.helper = helper;
    this.commands = new OutputStreamWriter(helper.getOutputStream(), StandardCharsets.US_ASCII);
    this.answers =
        new BufferedReader(
            new InputStreamReader(helper.getInputStream(), StandardCharsets.US_ASCII));
  }

  static LoopbackClients open(BenchDirectory dir) {
    try {
      ServerSocketChannel listener = ServerSocketChannel.open();
      listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      // the script goes on the command line: the checkout (under /root, say) need not be readable
      // by nobody
      String script =
          Files.readString(
              Path.of(LoopbackClients.class.getResource("loopback-clients.py").toURI()));
      Process helper =
          new ProcessBuilder(
                  List.of(
                      "setpriv",
                      "--reuid=" + CLIENT_USER,
                      "--regid=nogroup",
                      "--clear-groups",
                      "/usr/bin/python3",
                      "-c",
                      script,
                      Integer.toString(((InetSocketAddress) listener.getLocalAddress()).getPort())))
              .redirectError(dir.file("loopback-clients.log").toFile())
              .start();
      dir.recordPid(helper.pid());
      return new LoopbackClients(listener, helper);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A connected client; closing it closes both ends. One connection is made and accepted at a time,
   * so the connection accepted is the one the helper just made.
   */
  synchronized Connection connect() throws IOException {
    commands.write("open\n");
    commands.flush();
    String port = answers.readLine();
    if (port == null) {
      throw new IOException("the loopback client helper exited; see loopback-clients.log");
    }
    SocketChannel server = listener.accept();
    return new Connection(
        new EmulatedPostfixSession.Client(
            "127.0.0.1", Integer.parseInt(port.trim()), "127.0.0.1", address.getPort()),
        server);
  }

  private synchronized void disconnect(int port) throws IOException {
    commands.write("close " + port + "\n");
    commands.flush();
  }

  final class Connection implements AutoCloseable {
    private final EmulatedPostfixSession.Client client;
    private final SocketChannel serverEnd;

    private Connection(EmulatedPostfixSession.Client client, SocketChannel serverEnd) {
      this.client = client;
      this.serverEnd = serverEnd;
    }

    EmulatedPostfixSession.Client client() {
      return client;
    }

    @Override
    public void close() throws IOException {
      disconnect(client.port());
      serverEnd.close();
    }
  }

  @Override
  public void close() throws IOException {
    helper.destroy();
    listener.close();
  }
}
