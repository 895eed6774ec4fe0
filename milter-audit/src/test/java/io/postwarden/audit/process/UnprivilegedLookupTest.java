package io.postwarden.audit.process;

import static io.postwarden.audit.process.FakeProcTree.ESTABLISHED;
import static io.postwarden.audit.process.FakeProcTree.line;
import static io.postwarden.audit.process.TestProcesses.NOBODY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Native;
import io.postwarden.core.bounded.LruMap;
import io.postwarden.core.testing.RealClock;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a lookup run without privileges (as user nobody, no capabilities) can and cannot tell. Each
 * lookup runs in a JVM of its own started through setpriv, so this test needs root to start it.
 */
class UnprivilegedLookupTest {

  private static final String NOT_READABLE = "processes that could not be read: ";

  @TempDir Path dir;

  @BeforeEach
  void requireRoot() throws IOException {
    TestProcesses.requireRoot("runs lookups as user nobody");
  }

  @Test
  void namesOnlyTheOwnerOfAnotherUsersSocket() throws Exception {
    try (ServerSocket server = listen();
        Socket client = new Socket(server.getInetAddress(), server.getLocalPort())) {
      String result = lookupAsNobody(List.of(), client);

      assertTrue(
          result.startsWith(
              "OwnerOnly[uid=0, user=root, reason=socket 127.0.0.1:"
                  + client.getLocalPort()
                  + " -> 127.0.0.1:"
                  + server.getLocalPort()),
          result);
      assertTrue(result.contains(NOT_READABLE), result);
    }
  }

  @Test
  void findsAnotherUsersProcessWithPtraceAndDacReadSearchCapabilities() throws Exception {
    try (ServerSocket server = listen();
        Socket client = new Socket(server.getInetAddress(), server.getLocalPort())) {
      String result = lookupAsNobody(List.of("sys_ptrace", "dac_read_search"), client);

      assertTrue(
          result.startsWith(
              "Found[process=PeerProcess[pid="
                  + ProcessHandle.current().pid()
                  + ", uid=0, user=root, "),
          result);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"sys_ptrace", "dac_read_search"})
  void eitherCapabilityAloneIsNotEnough(String capability) throws Exception {
    try (ServerSocket server = listen();
        Socket client = new Socket(server.getInetAddress(), server.getLocalPort())) {
      String result = lookupAsNobody(List.of(capability), client);

      assertTrue(result.startsWith("OwnerOnly[uid=0, user=root, "), result);
      assertTrue(result.contains(NOT_READABLE), result);
    }
  }

  @Test
  void findsAProcessOfItsOwnUser() throws Exception {
    try (ServerSocket server = listen()) {
      List<String> command = TestProcesses.bashClient(server.getLocalPort());
      Process child = TestProcesses.start(TestProcesses.asNobody(command));
      try (Socket accepted = server.accept()) {
        String result = lookupClientAsNobody(accepted);

        assertTrue(
            result.startsWith(
                "Found[process=PeerProcess[pid="
                    + child.pid()
                    + ", uid="
                    + NOBODY
                    + ", user=nobody, executable="
                    + Path.of("/bin/bash").toRealPath()
                    + ", commandLine="
                    + command
                    + ", commandLineTruncated=false"),
            result);
      } finally {
        child.destroyForcibly();
      }
    }
  }

  @Test
  void cannotReadAProcessOfItsOwnUserThatChangedUserWithoutExec() throws Exception {
    try (ServerSocket server = listen()) {
      Process child =
          TestProcesses.start(TestProcesses.perlClientAfterSetuid(server.getLocalPort()));
      try (Socket accepted = server.accept()) {
        String result = lookupClientAsNobody(accepted);

        assertTrue(result.startsWith("OwnerOnly[uid=" + NOBODY + ", user=nobody, "), result);
        assertTrue(result.contains(NOT_READABLE), result);
      } finally {
        child.destroyForcibly();
      }
    }
  }

  @Test
  void reportsTheOwnerWhenAnFdDirectoryOfAFakeTreeIsUnreadable() throws Exception {
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    FakeProcTree proc = new FakeProcTree(dir.resolve("proc"));
    proc.tcp(
        line(FakeProcLookupTest.CLIENT_HEX, FakeProcLookupTest.SMTPD_HEX, ESTABLISHED, 33, 5001));
    proc.process(812, 33).holding(7, 5001);
    proc.process(813, 33);
    Files.setPosixFilePermissions(
        proc.root.resolve("812/fd"), PosixFilePermissions.fromString("---------"));
    Files.writeString(dir.resolve("passwd"), FakeProcLookupTest.PASSWD);

    String result =
        lookupAsNobody(
            List.of(),
            proc.root.toString(),
            dir.resolve("passwd").toString(),
            FakeProcLookupTest.CLIENT,
            FakeProcLookupTest.SMTPD);

    assertEquals(
        "OwnerOnly[uid=33, user=www-data, reason=socket 127.0.0.1:43210 -> 127.0.0.1:25 (inode 5001)"
            + " is held by none of the processes whose open files could be read; "
            + NOT_READABLE
            + "1"
            + " (reading other users' processes needs root, or CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH)]",
        result);
  }

  private static ServerSocket listen() throws IOException {
    ServerSocket server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
    server.setSoTimeout(10_000);
    return server;
  }

  /** Looks up this JVM's client socket {@code client} in /proc. */
  private String lookupAsNobody(List<String> capabilities, Socket client) throws Exception {
    return lookupAsNobody(
        capabilities,
        "/proc",
        "/etc/passwd",
        (InetSocketAddress) client.getLocalSocketAddress(),
        (InetSocketAddress) client.getRemoteSocketAddress());
  }

  /** Looks up the client of an accepted connection in /proc, without capabilities. */
  private String lookupClientAsNobody(Socket accepted) throws Exception {
    return lookupAsNobody(
        List.of(),
        "/proc",
        "/etc/passwd",
        (InetSocketAddress) accepted.getRemoteSocketAddress(),
        (InetSocketAddress) accepted.getLocalSocketAddress());
  }

  /**
   * Runs {@link LookupCommand} as nobody, with only the given capabilities, and returns what it
   * printed.
   */
  private String lookupAsNobody(
      List<String> capabilities,
      String procRoot,
      String passwd,
      InetSocketAddress client,
      InetSocketAddress server)
      throws Exception {
    List<String> java =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-XX:TieredStopAtLevel=1",
            "-XX:-UsePerfData",
            "-cp",
            codeLocation(LookupCommand.class)
                + ":"
                + codeLocation(ProcfsPeerLookup.class)
                + ":"
                + readable(codeLocation(LruMap.class))
                + ":"
                + readableCopy(codeLocation(Native.class)),
            LookupCommand.class.getName(),
            procRoot,
            passwd,
            client.getAddress().getHostAddress(),
            Integer.toString(client.getPort()),
            server.getAddress().getHostAddress(),
            Integer.toString(server.getPort()));
    Process lookup =
        RealClock.process(TestProcesses.asNobody(capabilities, java))
            .redirectErrorStream(true)
            .start();
    String output =
        new String(lookup.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertTrue(lookup.waitFor(20, TimeUnit.SECONDS), "lookup as nobody did not finish");
    assertEquals(0, lookup.exitValue(), output);
    return output;
  }

  /**
   * A copy of the jar that nobody can read: the local Maven repository may be closed to other
   * users.
   */
  /** Classes in a directory of this build as they are, a jar (from a Maven repository) copied. */
  private String readable(String location) throws IOException {
    return Files.isDirectory(Path.of(location)) ? location : readableCopy(location);
  }

  private String readableCopy(String jar) throws IOException {
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path copy = dir.resolve(Path.of(jar).getFileName());
    Files.copy(Path.of(jar), copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rw-r--r--"));
    return copy.toString();
  }

  private static String codeLocation(Class<?> type) throws Exception {
    return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
  }
}
