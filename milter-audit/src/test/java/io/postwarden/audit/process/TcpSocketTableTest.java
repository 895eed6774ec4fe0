package io.postwarden.audit.process;

import static io.postwarden.audit.process.FakeProcTree.ESTABLISHED;
import static io.postwarden.audit.process.FakeProcTree.LISTEN;
import static io.postwarden.audit.process.FakeProcTree.TIME_WAIT;
import static io.postwarden.audit.process.FakeProcTree.line;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TcpSocketTableTest {

  @TempDir Path dir;
  FakeProcTree proc;
  TcpSocketTable table;

  @BeforeEach
  void setUp() {
    proc = new FakeProcTree(dir);
    table = new TcpSocketTable(dir);
  }

  @Test
  void findsTheSocketByBothEndpointsAmongSocketsSharingThePort() throws IOException {
    proc.tcp(
        line("0100007F:0019", "00000000:0000", LISTEN, 0, 100),
        line("0100007F:0019", "0100007F:A8CA", ESTABLISHED, 0, 101), // Postfix's end of it
        line("0200007F:A8CA", "0100007F:0019", ESTABLISHED, 1001, 102), // 127.0.0.2, same port
        line("0500000A:A8CA", "0500000A:0019", ESTABLISHED, 1002, 103), // 10.0.0.5, same ports
        line("0100007F:A8CA", "0100007F:0019", ESTABLISHED, 33, 104),
        line(
            "0100007F:A8CA", "0100007F:024B", ESTABLISHED, 1003, 105)); // same client port, to :587

    assertEquals(Optional.of(new ClientSocket(33, 104)), find("127.0.0.1", 43210, "127.0.0.1", 25));
    assertEquals(
        Optional.of(new ClientSocket(1001, 102)), find("127.0.0.2", 43210, "127.0.0.1", 25));
    assertEquals(Optional.of(new ClientSocket(1002, 103)), find("10.0.0.5", 43210, "10.0.0.5", 25));
    assertEquals(
        Optional.of(new ClientSocket(1003, 105)), find("127.0.0.1", 43210, "127.0.0.1", 587));
    assertEquals(Optional.empty(), find("127.0.0.3", 43210, "127.0.0.1", 25));
  }

  @Test
  void findsAnIpv4ConnectionOfADualStackSocketAsV4MappedInTcp6() throws IOException {
    proc.tcp6(
        line(
            "0000000000000000FFFF00000100007F:A8CA",
            "0000000000000000FFFF00000100007F:0019",
            ESTABLISHED,
            33,
            201));

    assertEquals(Optional.of(new ClientSocket(33, 201)), find("127.0.0.1", 43210, "127.0.0.1", 25));
  }

  @Test
  void findsIpv6Sockets() throws IOException {
    proc.tcp6(
        line(
            "00000000000000000000000001000000:A8CA",
            "00000000000000000000000001000000:0019",
            ESTABLISHED,
            33,
            301),
        line(
            "B80D0120000000000000000001000000:A8CA",
            "B80D0120000000000000000002000000:0019",
            ESTABLISHED,
            34,
            302));

    assertEquals(Optional.of(new ClientSocket(33, 301)), find("::1", 43210, "::1", 25));
    assertEquals(
        Optional.of(new ClientSocket(34, 302)), find("2001:db8::1", 43210, "2001:db8::2", 25));
    assertEquals(Optional.empty(), find("127.0.0.1", 43210, "127.0.0.1", 25));
  }

  @Test
  void prefersASocketAProcessHoldsToAnOrphanedOneWithTheSameEndpoints() throws IOException {
    proc.tcp(
        line("0100007F:A8CA", "0100007F:0019", TIME_WAIT, 0, 0),
        line("0100007F:A8CA", "0100007F:0019", ESTABLISHED, 33, 401));

    assertEquals(Optional.of(new ClientSocket(33, 401)), find("127.0.0.1", 43210, "127.0.0.1", 25));
  }

  @Test
  void reportsAnOrphanedSocketWhenNoProcessHoldsOne() throws IOException {
    proc.tcp(line("0100007F:A8CA", "0100007F:0019", TIME_WAIT, 0, 0));

    Optional<ClientSocket> entry = find("127.0.0.1", 43210, "127.0.0.1", 25);

    assertTrue(entry.orElseThrow().orphaned());
  }

  @Test
  void readsTablesLargerThanItsBufferWithLinesAcrossReads() throws IOException {
    String[] lines = new String[3000];
    for (int i = 0; i < lines.length; i++) {
      lines[i] =
          line(
              "0100007F:" + String.format("%04X", 10000 + i),
              "0100007F:0019",
              ESTABLISHED,
              33,
              1000 + i);
    }
    proc.tcp(lines);

    assertEquals(
        Optional.of(new ClientSocket(33, 3999)), find("127.0.0.1", 12999, "127.0.0.1", 25));
    assertEquals(
        Optional.of(new ClientSocket(33, 2777)), find("127.0.0.1", 11777, "127.0.0.1", 25));
  }

  @Test
  void aKernelWithoutIpv6HasNoTcp6Table() throws IOException {
    Files.delete(dir.resolve("net/tcp6"));

    assertEquals(Optional.empty(), find("::1", 43210, "::1", 25));
  }

  private Optional<ClientSocket> find(
      String localHost, int localPort, String remoteHost, int remotePort) throws IOException {
    return table.find(
        new InetSocketAddress(localHost, localPort), new InetSocketAddress(remoteHost, remotePort));
  }
}
