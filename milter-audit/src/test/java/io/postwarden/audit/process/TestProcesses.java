package io.postwarden.audit.process;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.postwarden.core.testing.RealClock;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** Starting real client processes, possibly as another user, for the tests and the benchmark. */
final class TestProcesses {

  static final int NOBODY = 65534;

  private TestProcesses() {}

  static int currentUid() throws IOException {
    return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
  }

  /** Fails, never skips: CI runs as root, and without root these tests would prove nothing. */
  static void requireRoot(String why) throws IOException {
    assertEquals(0, currentUid(), "this test must run as root (CI does), because it " + why);
  }

  /**
   * The command of a bash client that connects to 127.0.0.1:port with an IPv4 socket and holds it
   * until the server closes the connection (or two minutes pass). bash neither forks nor execs, so
   * its pid is the holder.
   */
  static List<String> bashClient(int port) {
    return List.of("bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/" + port + " && read -t 120 -u 3");
  }

  /**
   * The command of a perl client started as root that becomes nobody without exec, then connects to
   * 127.0.0.1:port and holds the connection until the server closes it (or ten minutes pass).
   */
  static List<String> perlClientAfterSetuid(int port) {
    return perlClientAfterSetuid(NOBODY, port);
  }

  /**
   * As {@link #perlClientAfterSetuid(int)}, becoming {@code uid} (and the group of the same
   * number).
   */
  static List<String> perlClientAfterSetuid(int uid, int port) {
    return List.of(
        "perl",
        "-MIO::Socket::INET",
        "-e",
        """
                $( = $) = "%1$d %1$d"; $< = $> = %1$d;
                die "still root" if $> == 0;
                alarm 600;
                my $s = IO::Socket::INET->new(PeerAddr => "127.0.0.1:%2$d") or die "connect: $!";
                sysread($s, my $byte, 1);
                """
            .formatted(uid, port));
  }

  static List<String> asNobody(List<String> command) {
    return asNobody(List.of(), command);
  }

  /** The command run as nobody, with no capabilities but the given ones (e.g. "sys_ptrace"). */
  static List<String> asNobody(List<String> capabilities, List<String> command) {
    List<String> full =
        new ArrayList<>(List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"));
    if (!capabilities.isEmpty()) {
      String set = capabilities.stream().map(c -> "+" + c).collect(Collectors.joining(","));
      full.add("--inh-caps=" + set);
      full.add("--ambient-caps=" + set); // ambient: kept across the exec of java
    }
    full.add("--");
    full.addAll(command);
    return full;
  }

  static Process start(List<String> command) throws IOException {
    return start(command, null);
  }

  /**
   * @param workingDirectory where it starts, or null for this JVM's working directory
   */
  static Process start(List<String> command, Path workingDirectory) throws IOException {
    return RealClock.process(command)
        .directory(workingDirectory == null ? null : workingDirectory.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectErrorStream(true)
        .start();
  }

  /**
   * Looks up the client of an accepted connection the way the MTA sees it: client endpoint, then
   * its own.
   */
  static PeerLookupResult lookupClientOf(Socket accepted, PeerProcessLookup lookup) {
    return lookup.lookup(
        (InetSocketAddress) accepted.getRemoteSocketAddress(),
        (InetSocketAddress) accepted.getLocalSocketAddress());
  }
}
