package io.postwarden.audit.process;

import static io.postwarden.audit.process.FakeProcTree.ESTABLISHED;
import static io.postwarden.audit.process.FakeProcTree.TIME_WAIT;
import static io.postwarden.audit.process.FakeProcTree.line;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.postwarden.audit.process.PeerLookupResult.Found;
import io.postwarden.audit.process.PeerLookupResult.NotFound;
import io.postwarden.audit.process.PeerLookupResult.OwnerOnly;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole lookup over a fake /proc, for the shapes a live system rarely shows on demand. */
class FakeProcLookupTest {

  static final String PASSWD =
      """
            root:x:0:0:root:/root:/bin/bash
            www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin
            """;
  static final InetSocketAddress CLIENT = new InetSocketAddress("127.0.0.1", 43210);
  static final InetSocketAddress SMTPD = new InetSocketAddress("127.0.0.1", 25);
  static final String CLIENT_HEX = "0100007F:A8CA";
  static final String SMTPD_HEX = "0100007F:0019";

  @TempDir Path dir;
  FakeProcTree proc;
  ProcfsPeerLookup lookup;

  @BeforeEach
  void setUp() throws IOException {
    TestProcesses.requireRoot("gives fake /proc directories the owners of their processes");
    proc = new FakeProcTree(dir.resolve("proc"));
    Files.writeString(dir.resolve("passwd"), PASSWD);
    lookup =
        new ProcfsPeerLookup(
            proc.root,
            dir.resolve("passwd"),
            new TcpSocketTable(proc.root),
            ScanLimits.DEFAULT,
            () -> 0,
            () -> {}); // a clock at a standstill: limits are ScanLimitsTest's
  }

  @Test
  void describesTheProcessHoldingTheSocket() {
    proc.tcp(line(CLIENT_HEX, SMTPD_HEX, ESTABLISHED, 33, 5001));
    proc.process(700, 33).holding(4, 4999);
    proc.process(812, 33)
        .holding(3, 5000)
        .holding(7, 5001)
        .exe("/usr/sbin/php-fpm8.2 (deleted)")
        .commandLine("php-fpm: pool www".getBytes(StandardCharsets.UTF_8)); // setproctitle: no NUL

    PeerLookupResult result = lookup.lookup(CLIENT, SMTPD);

    assertEquals(
        new Found(
            new PeerProcess(
                812,
                33,
                "www-data",
                "/usr/sbin/php-fpm8.2 (deleted)",
                List.of("php-fpm: pool www"),
                false,
                "php8.2-fpm.service")),
        result);
  }

  @Test
  void tellsApartClientsOnTheSamePortAtDifferentAddresses() {
    proc.tcp(
        line("0200007F:A8CA", SMTPD_HEX, ESTABLISHED, 33, 6002),
        line("0100007F:0019", CLIENT_HEX, ESTABLISHED, 0, 6000), // smtpd's own end
        line(CLIENT_HEX, SMTPD_HEX, ESTABLISHED, 33, 6001));
    proc.process(901, 0).holding(5, 6000);
    proc.process(902, 33).holding(5, 6002);
    proc.process(903, 33).holding(5, 6001);

    assertEquals(903, pidOf(lookup.lookup(CLIENT, SMTPD)));
    assertEquals(902, pidOf(lookup.lookup(new InetSocketAddress("127.0.0.2", 43210), SMTPD)));
  }

  @Test
  void findsADualStackClientInTcp6() {
    proc.tcp6(
        line(
            "0000000000000000FFFF00000100007F:A8CA",
            "0000000000000000FFFF00000100007F:0019",
            ESTABLISHED,
            33,
            7001));
    proc.process(1001, 33).holding(9, 7001);

    assertEquals(1001, pidOf(lookup.lookup(CLIENT, SMTPD)));
  }

  @Test
  void capsTheCommandLineAndMarksItTruncated() {
    proc.tcp(line(CLIENT_HEX, SMTPD_HEX, ESTABLISHED, 33, 5001));
    String[] arguments = new String[1000];
    for (int i = 0; i < arguments.length; i++) {
      arguments[i] = "argument" + i;
    }
    proc.process(812, 33).holding(7, 5001).commandLine(arguments);

    PeerProcess process = ((Found) lookup.lookup(CLIENT, SMTPD)).process();

    assertTrue(process.commandLineTruncated());
    int bytes = process.commandLine().stream().mapToInt(a -> a.length() + 1).sum() - 1;
    assertEquals(ProcessFactsReader.COMMAND_LINE_LIMIT, bytes);
    assertEquals(List.of(arguments).subList(0, 10), process.commandLine().subList(0, 10));
  }

  @Test
  void keepsEmptyArgumentsAndACommandLineOfExactlyTheLimit() {
    proc.tcp(line(CLIENT_HEX, SMTPD_HEX, ESTABLISHED, 33, 5001));
    String longArgument =
        "x".repeat(ProcessFactsReader.COMMAND_LINE_LIMIT - "php\0\0".length() - 1);
    proc.process(812, 33).holding(7, 5001).commandLine("php", "", longArgument);

    PeerProcess process = ((Found) lookup.lookup(CLIENT, SMTPD)).process();

    assertEquals(List.of("php", "", longArgument), process.commandLine());
    assertFalse(process.commandLineTruncated());
  }

  @Test
  void skipsProcessesThatVanishedDuringTheScan() throws IOException {
    proc.tcp(line(CLIENT_HEX, SMTPD_HEX, ESTABLISHED, 33, 5001));
    proc.process(500, 33);
    deleteTree(
        proc.root.resolve("500/fd")); // exited between the /proc listing and its fd directory
    Files.createDirectories(proc.root.resolve("501")); // exited before anything could be read
    proc.process(502, 33).holding(3, 5001);

    assertEquals(502, pidOf(lookup.lookup(CLIENT, SMTPD)));
  }

  @Test
  void reportsTheOwnerWhenTheHolderExitsBeforeItIsDescribed() throws IOException {
    proc.tcp(line(CLIENT_HEX, SMTPD_HEX, ESTABLISHED, 33, 5001));
    proc.process(812, 33).holding(7, 5001);
    Files.delete(proc.root.resolve("812/status"));

    OwnerOnly result = assertInstanceOf(OwnerOnly.class, lookup.lookup(CLIENT, SMTPD));

    assertEquals(33, result.uid());
    assertEquals("www-data", result.user());
    assertTrue(
        result.reason().startsWith("process 812 held the client socket but could not be read"),
        result.reason());
  }

  @Test
  void readsProcessesOfTheSocketsOwnerFirst() {
    proc.tcp(line(CLIENT_HEX, SMTPD_HEX, ESTABLISHED, 33, 5001));
    proc.process(50, 33).holding(3, 5001);
    for (int pid = 100; pid < 130; pid++) {
      proc.process(pid, 0).holding(3, 5001); // sharing it, e.g. children forked after the connect
    }

    assertEquals(50, pidOf(lookup.lookup(CLIENT, SMTPD)));
  }

  @Test
  void readsNewerProcessesFirst() {
    proc.tcp(line(CLIENT_HEX, SMTPD_HEX, ESTABLISHED, 0, 5001));
    for (int pid : new int[] {7, 300, 1200, 95}) {
      proc.process(pid, 0).holding(3, 5001);
    }

    assertEquals(1200, pidOf(lookup.lookup(CLIENT, SMTPD)));
  }

  @Test
  void aSocketNoProcessHoldsAnyMoreYieldsOnlyItsOwner() {
    proc.tcp(line(CLIENT_HEX, SMTPD_HEX, ESTABLISHED, 33, 5001));
    proc.process(812, 33).holding(7, 5000);

    OwnerOnly result = assertInstanceOf(OwnerOnly.class, lookup.lookup(CLIENT, SMTPD));

    assertEquals(
        new OwnerOnly(
            33,
            "www-data",
            "no process of uid 33 holds socket 127.0.0.1:43210 -> 127.0.0.1:25 (inode 5001)"),
        result);
  }

  @Test
  void aClosedClientSocketIsNotFound() {
    proc.tcp(line(CLIENT_HEX, SMTPD_HEX, TIME_WAIT, 0, 0));

    assertEquals(
        new NotFound(
            "the client socket 127.0.0.1:43210 -> 127.0.0.1:25 has been closed by its process"),
        lookup.lookup(CLIENT, SMTPD));
  }

  @Test
  void aClientThatIsNotInTheTablesIsNotFound() {
    assertEquals(
        new NotFound(
            "no TCP socket 192.0.2.7:43210 -> 127.0.0.1:25 in the kernel's tables:"
                + " the client has disconnected, or it is not on this host"),
        lookup.lookup(new InetSocketAddress("192.0.2.7", 43210), SMTPD));
  }

  @Test
  void aMissingProcfsIsNotFoundWithTheError() throws IOException {
    deleteTree(proc.root);

    NotFound result = assertInstanceOf(NotFound.class, lookup.lookup(CLIENT, SMTPD));

    assertTrue(
        result
            .reason()
            .startsWith("cannot read the kernel's sockets or procfs: java.nio.file.NoSuch"),
        result.reason());
  }

  static long pidOf(PeerLookupResult result) {
    return assertInstanceOf(Found.class, result, result::toString).process().pid();
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }

  @Test
  void aPreviousAnswerDoesNotDecideTheNext() {
    // the same client endpoint, a new connection from another worker: the links decide, not the
    // index
    proc.tcp(line(CLIENT_HEX, SMTPD_HEX, ESTABLISHED, 33, 5001));
    proc.process(900, 33).holding(4, 5001);
    proc.process(901, 33).holding(4, 4000);
    assertEquals(900, ((Found) lookup.lookup(CLIENT, SMTPD)).process().pid());

    proc.tcp(line(CLIENT_HEX, SMTPD_HEX, ESTABLISHED, 33, 5002));
    proc.process(901, 33).holding(5, 5002);
    assertEquals(901, ((Found) lookup.lookup(CLIENT, SMTPD)).process().pid());
  }
}
