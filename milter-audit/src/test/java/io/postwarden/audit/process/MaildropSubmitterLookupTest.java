package io.postwarden.audit.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.postwarden.core.policy.MilterLink;
import io.postwarden.core.policy.PeerCredentials;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The submitter is found from cleanup's pid: on a unix-socket listener the kernel names cleanup
 * (SO_PEERCRED); on TCP the peer lookup finds it from the connection's ends. A fake /proc holds
 * cleanup, its master and pickup.
 */
class MaildropSubmitterLookupTest {

  private static final long MASTER = 100;
  private static final long CLEANUP = 200;
  private static final long PICKUP = 300;

  @TempDir Path dir;

  private final List<List<InetSocketAddress>> tcpLookups = new ArrayList<>();

  private MaildropSubmitterLookup lookup() throws IOException {
    FakeProcTree proc = new FakeProcTree(dir.resolve("proc"));
    FakeProcTree.write(
        proc.root.resolve(MASTER + "/stat"), MASTER + " (master) S 1 " + MASTER + " 0 0");
    FakeProcTree.write(
        proc.root.resolve(CLEANUP + "/stat"), CLEANUP + " (cleanup) S " + MASTER + " 1 0 0");
    FakeProcTree.write(
        proc.root.resolve(PICKUP + "/stat"), PICKUP + " (pickup) S " + MASTER + " 1 0 0");
    Path maildrop = Files.createDirectories(dir.resolve("spool/maildrop")).resolve("4F2A91C");
    Files.writeString(maildrop, "queue file");
    Files.setAttribute(maildrop, "unix:uid", 65534, LinkOption.NOFOLLOW_LINKS);
    Files.createDirectories(proc.root.resolve(PICKUP + "/fd"));
    Files.createSymbolicLink(proc.root.resolve(PICKUP + "/fd/7"), maildrop);
    Files.writeString(
        dir.resolve("passwd"), "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n");
    PeerProcessLookup tcp =
        (client, server) -> {
          tcpLookups.add(List.of(client, server));
          return new PeerLookupResult.NotFound("not asked for in this test");
        };
    return new MaildropSubmitterLookup(proc.root, dir.resolve("passwd"), tcp);
  }

  @Test
  void onAUnixSocketTheKernelNamedCleanupAndPickupsMaildropFileNamesTheSubmitter()
      throws IOException {
    MilterLink unix = new MilterLink(null, null, new PeerCredentials(CLEANUP, 106, 107));

    Optional<Submitter> submitter = lookup().lookup(unix);

    assertEquals(65534, submitter.orElseThrow().uid());
    assertEquals("nobody", submitter.get().user());
    assertTrue(
        submitter.get().maildropFile().endsWith("/maildrop/4F2A91C"),
        submitter.get().maildropFile());
    assertEquals(List.of(), tcpLookups, "no socket table to search on a unix socket");
  }

  @Test
  void aPeerThatIsNotCleanupOfAPostfixMasterNamesNobody() throws IOException {
    MilterLink unix = new MilterLink(null, null, new PeerCredentials(PICKUP + 1, 106, 107));

    assertEquals(Optional.empty(), lookup().lookup(unix));
  }

  @Test
  void overTcpCleanupIsFoundThroughTheConnectionsEnds() throws IOException {
    InetSocketAddress cleanup = new InetSocketAddress(InetAddress.getLoopbackAddress(), 51000);
    InetSocketAddress listener = new InetSocketAddress(InetAddress.getLoopbackAddress(), 8896);

    assertEquals(Optional.empty(), lookup().lookup(new MilterLink(cleanup, listener)));
    assertEquals(List.of(List.of(cleanup, listener)), tcpLookups);
  }
}
