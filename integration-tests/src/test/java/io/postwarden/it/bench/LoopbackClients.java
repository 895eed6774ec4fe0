package io.postwarden.it.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * Stands in for smtpd and its local SMTP clients at the milter level: each client is a real TCP connection from
 * this process to a loopback listener, so Postwarden's process lookup has a real socket to find (this JVM, as
 * root) behind the {client_addr}:{client_port} → {daemon_addr}:{daemon_port} it is told about.
 */
final class LoopbackClients implements AutoCloseable {

  private final ServerSocketChannel listener;
  private final InetSocketAddress address;

  private LoopbackClients(ServerSocketChannel listener) throws IOException {
    this.listener = listener;
    this.address = (InetSocketAddress) listener.getLocalAddress();
  }

  static LoopbackClients open() {
    try {
      ServerSocketChannel listener = ServerSocketChannel.open();
      listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      return new LoopbackClients(listener);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A connected client; closing it closes both ends. Connecting and accepting happen under one lock, so the
   * connection accepted is the one just made.
   */
  Connection connect() throws IOException {
    synchronized (listener) {
      SocketChannel client = SocketChannel.open(address);
      SocketChannel server = listener.accept();
      int port = ((InetSocketAddress) client.getLocalAddress()).getPort();
      return new Connection(new EmulatedPostfixSession.Client("127.0.0.1", port, "127.0.0.1", address.getPort()),
          client, server);
    }
  }

  record Connection(EmulatedPostfixSession.Client client, SocketChannel clientEnd, SocketChannel serverEnd)
      implements AutoCloseable {

    @Override
    public void close() throws IOException {
      clientEnd.close();
      serverEnd.close();
    }
  }

  @Override
  public void close() throws IOException {
    listener.close();
  }
}
