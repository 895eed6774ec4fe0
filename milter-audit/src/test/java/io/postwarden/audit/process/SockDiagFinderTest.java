package io.postwarden.audit.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Netlink queries to this machine's kernel, for connections the test makes. /proc/net/tcp{,6}, read
 * by the independent {@link TcpSocketTable}, is the oracle for each socket's uid and inode.
 */
class SockDiagFinderTest {

  private final TcpSocketTable procfs = new TcpSocketTable(Path.of("/proc"));
  private final SockDiagFinder netlink;

  SockDiagFinderTest() throws IOException {
    netlink = SockDiagFinder.verified();
  }

  @Test
  void findsBothEndsOfAnIpv4Connection() throws IOException {
    try (ServerSocket server = listen("127.0.0.1");
        SocketChannel client = SocketChannel.open(StandardProtocolFamily.INET)) {
      client.connect(server.getLocalSocketAddress());
      try (Socket accepted = server.accept()) {
        assertBothEndsFound(accepted);
      }
    }
  }

  @Test
  void findsBothEndsOfAnIpv6Connection() throws IOException {
    try (ServerSocket server = listen("::1");
        SocketChannel client = SocketChannel.open(StandardProtocolFamily.INET6)) {
      client.connect(server.getLocalSocketAddress());
      try (Socket accepted = server.accept()) {
        assertBothEndsFound(accepted);
      }
    }
  }

  @Test
  void findsBothEndsOfAnIpv4ConnectionBetweenDualStackSockets() throws IOException {
    try (ServerSocket server = listen("::");
        SocketChannel client =
            SocketChannel.open(StandardProtocolFamily.INET6)) { // v4-mapped in the kernel
      client.connect(new InetSocketAddress("127.0.0.1", server.getLocalPort()));
      try (Socket accepted = server.accept()) {
        assertEquals(InetAddress.getByName("127.0.0.1"), accepted.getInetAddress());
        assertBothEndsFound(accepted);
      }
    }
  }

  @Test
  void reportsAClosedClientSocketAsOrphaned() throws IOException {
    try (ServerSocket server = listen("127.0.0.1")) {
      Socket client = new Socket(server.getInetAddress(), server.getLocalPort());
      InetSocketAddress clientEnd = (InetSocketAddress) client.getLocalSocketAddress();
      InetSocketAddress serverEnd = (InetSocketAddress) client.getRemoteSocketAddress();
      try (Socket accepted = server.accept()) {
        client
            .close(); // FIN_WAIT2 now, TIME_WAIT once the server closes: held by no process either
        // way

        ClientSocket orphan = netlink.find(clientEnd, serverEnd).orElseThrow();
        assertTrue(orphan.orphaned(), orphan::toString);
        assertEquals(procfs.find(clientEnd, serverEnd), Optional.of(orphan));
      }
    }
  }

  @Test
  void doesNotMistakeAListenerOnTheClientsEndpointForTheClient() throws IOException {
    try (ServerSocket listener = listen("127.0.0.1")) {
      // No such connection: the kernel's exact lookup falls back to the listener on the "client"
      // endpoint.
      Optional<ClientSocket> found =
          netlink.find(
              (InetSocketAddress) listener.getLocalSocketAddress(),
              new InetSocketAddress("127.0.0.1", 25));

      assertEquals(Optional.empty(), found);
    }
  }

  @Test
  void findsNothingForAConnectionThatDoesNotExist() throws IOException {
    assertEquals(
        Optional.empty(),
        netlink.find(
            new InetSocketAddress("192.0.2.7", 43210), new InetSocketAddress("127.0.0.1", 25)));
    assertEquals(
        Optional.empty(),
        netlink.find(
            new InetSocketAddress("2001:db8::7", 43210), new InetSocketAddress("::1", 25)));
  }

  /** Both ends of the connection: found, held (inode set), and as /proc/net/tcp{,6} lists them. */
  private void assertBothEndsFound(Socket accepted) throws IOException {
    InetSocketAddress clientEnd = (InetSocketAddress) accepted.getRemoteSocketAddress();
    InetSocketAddress serverEnd = (InetSocketAddress) accepted.getLocalSocketAddress();
    ClientSocket client = netlink.find(clientEnd, serverEnd).orElseThrow();
    ClientSocket server = netlink.find(serverEnd, clientEnd).orElseThrow();

    assertEquals(TestProcesses.currentUid(), client.uid());
    assertTrue(
        client.inode() != 0 && server.inode() != 0 && client.inode() != server.inode(),
        client + " " + server);
    assertEquals(procfs.find(clientEnd, serverEnd), Optional.of(client));
    assertEquals(procfs.find(serverEnd, clientEnd), Optional.of(server));
  }

  private static ServerSocket listen(String address) throws IOException {
    ServerSocket server = new ServerSocket(0, 50, InetAddress.getByName(address));
    server.setSoTimeout(10_000);
    return server;
  }
}
