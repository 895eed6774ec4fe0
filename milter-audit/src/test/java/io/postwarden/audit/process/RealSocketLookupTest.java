package io.postwarden.audit.process;

import static io.postwarden.audit.process.TestProcesses.NOBODY;
import static io.postwarden.audit.process.TestProcesses.lookupClientOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.postwarden.audit.process.PeerLookupResult.Found;
import io.postwarden.audit.process.PeerLookupResult.NotFound;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lookups through netlink and this machine's real /proc, for connections this test makes itself or
 * has child processes make.
 */
class RealSocketLookupTest {

  private static final int ACCEPT_TIMEOUT_MILLIS = 10_000;

  private final PeerProcessLookup lookup;

  RealSocketLookupTest() throws IOException {
    lookup =
        new ProcfsPeerLookup(
            Path.of("/proc"),
            Path.of("/etc/passwd"),
            SockDiagFinder.verified(),
            ScanLimits.NONE,
            System::nanoTime,
            () -> {}); // limits: ScanLimitsTest
  }

  @Test
  void findsThisJvmAsTheClientOfAnIpv4Socket() throws IOException {
    try (ServerSocket server = listen("127.0.0.1");
        SocketChannel client =
            SocketChannel.open(StandardProtocolFamily.INET)) { // in /proc/net/tcp
      client.connect(server.getLocalSocketAddress());
      try (Socket accepted = server.accept()) {
        assertIsThisJvm(lookupClientOf(accepted, lookup));
      }
    }
  }

  @Test
  void findsThisJvmAsTheClientOfAnIpv6Socket() throws IOException {
    try (ServerSocket server = listen("::1");
        SocketChannel client = SocketChannel.open(StandardProtocolFamily.INET6)) {
      client.connect(server.getLocalSocketAddress());
      try (Socket accepted = server.accept()) {
        assertIsThisJvm(lookupClientOf(accepted, lookup));
      }
    }
  }

  @Test
  void findsThisJvmAsAnIpv4ClientOfADualStackServer() throws IOException {
    try (ServerSocket server = listen("::");
        SocketChannel client =
            SocketChannel.open(StandardProtocolFamily.INET6)) { // v4-mapped in tcp6
      client.connect(new InetSocketAddress("127.0.0.1", server.getLocalPort()));
      try (Socket accepted = server.accept()) {
        assertEquals(InetAddress.getByName("127.0.0.1"), accepted.getInetAddress());
        assertIsThisJvm(lookupClientOf(accepted, lookup));
      }
    }
  }

  @Test
  void findsAChildProcess() throws Exception {
    try (ServerSocket server = listen("127.0.0.1")) {
      List<String> command = TestProcesses.bashClient(server.getLocalPort());
      Process child = TestProcesses.start(command);
      try (Socket accepted = server.accept()) {
        PeerProcess process = found(lookupClientOf(accepted, lookup));

        assertEquals(child.pid(), process.pid());
        assertEquals(TestProcesses.currentUid(), process.uid());
        assertEquals(Path.of("/bin/bash").toRealPath().toString(), process.executable());
        assertEquals(command, process.commandLine());
      } finally {
        child.destroyForcibly();
      }
    }
  }

  @Test
  void recordsTheWorkingDirectoryOfTheClient(@TempDir Path dir) throws Exception {
    Path site = Files.createDirectories(dir.resolve("home/www-shop/public_html")).toRealPath();
    try (ServerSocket server = listen("127.0.0.1")) {
      Process child = TestProcesses.start(TestProcesses.bashClient(server.getLocalPort()), site);
      try (Socket accepted = server.accept()) {
        PeerProcess process = found(lookupClientOf(accepted, lookup));

        assertEquals(child.pid(), process.pid());
        assertEquals(site.toString(), process.workingDirectory());
      } finally {
        child.destroyForcibly();
      }
    }
  }

  @Test
  void findsAProcessStartedAfterTheLastLookup() throws Exception {
    TestProcesses.requireRoot("starts a client as user nobody");
    try (ServerSocket server = listen("127.0.0.1")) {
      Process first =
          TestProcesses.start(
              TestProcesses.asNobody(TestProcesses.bashClient(server.getLocalPort())));
      Process second = null;
      try (Socket firstAccepted = server.accept()) {
        assertEquals(
            first.pid(),
            found(lookupClientOf(firstAccepted, lookup)).pid()); // indexes all processes

        second =
            TestProcesses.start(
                TestProcesses.asNobody(TestProcesses.bashClient(server.getLocalPort())));
        try (Socket secondAccepted = server.accept()) {
          assertEquals(second.pid(), found(lookupClientOf(secondAccepted, lookup)).pid());
        }
      } finally {
        first.destroyForcibly();
        if (second != null) {
          second.destroyForcibly();
        }
      }
    }
  }

  @Test
  void findsAChildProcessRunningAsAnotherUser() throws Exception {
    TestProcesses.requireRoot("starts a client as user nobody");
    try (ServerSocket server = listen("127.0.0.1")) {
      List<String> command = TestProcesses.bashClient(server.getLocalPort());
      Process child = TestProcesses.start(TestProcesses.asNobody(command));
      try (Socket accepted = server.accept()) {
        PeerProcess process = found(lookupClientOf(accepted, lookup));

        assertEquals(child.pid(), process.pid()); // setpriv execs bash: same pid
        assertEquals(NOBODY, process.uid());
        assertEquals("nobody", process.user());
        assertEquals(command, process.commandLine());
      } finally {
        child.destroyForcibly();
      }
    }
  }

  @Test
  void findsAProcessThatChangedUserWithoutExec() throws Exception {
    TestProcesses.requireRoot("starts a client that drops root for nobody");
    try (ServerSocket server = listen("127.0.0.1")) {
      // Like a php-fpm worker: setuid without exec leaves the process undumpable, so only root can
      // read its fds.
      Process child =
          TestProcesses.start(TestProcesses.perlClientAfterSetuid(server.getLocalPort()));
      try (Socket accepted = server.accept()) {
        PeerProcess process = found(lookupClientOf(accepted, lookup));

        assertEquals(child.pid(), process.pid());
        assertEquals(NOBODY, process.uid());
        assertEquals("nobody", process.user());
      } finally {
        child.destroyForcibly();
      }
    }
  }

  @Test
  void aClientThatHasClosedItsSocketIsNotFound() throws IOException {
    try (ServerSocket server = listen("127.0.0.1")) {
      Socket client = new Socket(server.getInetAddress(), server.getLocalPort());
      Socket accepted = server.accept();
      InetSocketAddress clientEnd = (InetSocketAddress) accepted.getRemoteSocketAddress();
      InetSocketAddress serverEnd = (InetSocketAddress) accepted.getLocalSocketAddress();
      try {
        client.close(); // the client's end lingers in FIN_WAIT2, held by no process

        NotFound halfClosed = assertInstanceOf(NotFound.class, lookup.lookup(clientEnd, serverEnd));
        assertTrue(
            halfClosed.reason().contains("has been closed by its process"), halfClosed.reason());
      } finally {
        accepted.close(); // now TIME_WAIT, or gone
      }
      assertInstanceOf(NotFound.class, lookup.lookup(clientEnd, serverEnd));
    }
  }

  @Test
  void aClientOnAnotherHostIsNotFound() throws IOException {
    try (ServerSocket server = listen("127.0.0.1")) {
      assertInstanceOf(
          NotFound.class,
          lookup.lookup(
              new InetSocketAddress("192.0.2.7", 43210),
              (InetSocketAddress) server.getLocalSocketAddress()));
    }
  }

  private static ServerSocket listen(String address) throws IOException {
    ServerSocket server = new ServerSocket(0, 50, InetAddress.getByName(address));
    server.setSoTimeout(ACCEPT_TIMEOUT_MILLIS);
    return server;
  }

  private static PeerProcess found(PeerLookupResult result) {
    return assertInstanceOf(Found.class, result, result::toString).process();
  }

  private static void assertIsThisJvm(PeerLookupResult result) throws IOException {
    PeerProcess process = found(result);
    ProcessHandle.Info self = ProcessHandle.current().info();

    assertEquals(ProcessHandle.current().pid(), process.pid());
    assertEquals(TestProcesses.currentUid(), process.uid());
    assertEquals(System.getProperty("user.name"), process.user());
    assertTrue(process.executable().endsWith("/java"), process.executable());
    assertEquals(self.command().orElseThrow(), process.executable());
    assertFalse(process.commandLineTruncated());
    List<String> arguments = process.commandLine().subList(1, process.commandLine().size());
    assertEquals(List.of(self.arguments().orElseThrow()), arguments);
    assertFalse(process.unit().isEmpty());
  }
}
