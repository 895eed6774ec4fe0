package io.postwarden.audit.process;

import static io.postwarden.audit.process.FakeProcLookupTest.CLIENT;
import static io.postwarden.audit.process.FakeProcLookupTest.CLIENT_HEX;
import static io.postwarden.audit.process.FakeProcLookupTest.SMTPD;
import static io.postwarden.audit.process.FakeProcLookupTest.SMTPD_HEX;
import static io.postwarden.audit.process.FakeProcLookupTest.pidOf;
import static io.postwarden.audit.process.FakeProcTree.ESTABLISHED;
import static io.postwarden.audit.process.FakeProcTree.line;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.postwarden.audit.process.PeerLookupResult.OwnerOnly;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which processes a lookup reads to find the socket's holder, and where it stops, over a fake
 * /proc.
 */
class HolderSearchTest {

  private static final String STOPPED =
      "the search for the process holding socket 127.0.0.1:43210 -> 127.0.0.1:25"
          + " (inode 5001) among uid 33's processes stopped when it had ";

  @TempDir Path dir;
  FakeProcTree proc;
  final AtomicLong clock = new AtomicLong(); // nanoseconds
  long tick; // how far each reading of the clock advances it: it stands still unless a test says
  // otherwise
  final AtomicInteger limitsReached = new AtomicInteger();

  @BeforeEach
  void setUp() throws IOException {
    TestProcesses.requireRoot("gives fake /proc directories the owners of their processes");
    proc = new FakeProcTree(dir.resolve("proc"));
    Files.writeString(dir.resolve("passwd"), FakeProcLookupTest.PASSWD);
    proc.tcp(line(CLIENT_HEX, SMTPD_HEX, ESTABLISHED, 33, 5001));
  }

  @Test
  void readsOnlyTheProcessesOfTheSocketsOwner() {
    proc.process(812, 0)
        .holding(7, 5001); // the socket was handed to, or kept by, a process of another uid

    OwnerOnly result =
        assertInstanceOf(OwnerOnly.class, lookup(ScanLimits.DEFAULT).lookup(CLIENT, SMTPD));

    assertEquals(
        "no process of uid 33 holds socket 127.0.0.1:43210 -> 127.0.0.1:25 (inode 5001)",
        result.reason());
  }

  @Test
  void stopsAfterReadingTheFdsOfAsManyProcessesAsTheLimitAllows() {
    proc.process(100, 33).holding(3, 5001); // oldest, so read last
    for (int pid = 101; pid < 110; pid++) {
      proc.process(pid, 33).holding(3, 4000 + pid);
    }

    assertEquals(
        new OwnerOnly(33, "www-data", STOPPED + "read the fds of 9 processes"),
        lookup(new ScanLimits(9, 1000, Duration.ofSeconds(1))).lookup(CLIENT, SMTPD));
    assertEquals(1, limitsReached.get());
    assertEquals(
        100, pidOf(lookup(new ScanLimits(10, 1000, Duration.ofSeconds(1))).lookup(CLIENT, SMTPD)));
  }

  @Test
  void stopsAfterReadingAsManyFdsAsTheLimitAllows() {
    proc.process(100, 33).holding(3, 5001);
    FakeProcTree.FakeProcess busy = proc.process(200, 33);
    for (int fd = 1; fd < 40; fd++) {
      busy.holding(fd, 6000 + fd);
    }

    assertEquals(
        new OwnerOnly(33, "www-data", STOPPED + "read 39 fds"),
        lookup(new ScanLimits(100, 39, Duration.ofSeconds(1))).lookup(CLIENT, SMTPD));
    assertEquals(
        100, pidOf(lookup(new ScanLimits(100, 42, Duration.ofSeconds(1))).lookup(CLIENT, SMTPD)));
  }

  @Test
  void stopsWhenItsTimeIsUp() {
    proc.process(100, 33).holding(3, 5001);
    for (int pid = 101; pid < 110; pid++) {
      proc.process(pid, 33);
    }
    tick = Duration.ofMillis(1).toNanos(); // every reading of the clock finds it 1 ms later

    assertEquals(
        new OwnerOnly(33, "www-data", STOPPED + "spent 5 ms"),
        lookup(new ScanLimits(100, 1000, Duration.ofMillis(5))).lookup(CLIENT, SMTPD));
    tick = 0;
    assertEquals(
        100, pidOf(lookup(new ScanLimits(100, 1000, Duration.ofMillis(5))).lookup(CLIENT, SMTPD)));
  }

  @Test
  void findsAProcessStartedSinceTheLastLookupByTryingTheNewPidsOnly() {
    proc.lastPid(500);
    proc.process(400, 33).holding(3, 4400);
    ProcfsPeerLookup lookup = lookup(ScanLimits.DEFAULT);
    assertInstanceOf(
        OwnerOnly.class, lookup.lookup(CLIENT, SMTPD)); // indexes everything up to pid 500

    proc.process(20, 33)
        .holding(3, 5001); // only a listing of /proc would find this one: pids do not go back
    proc.process(501, 33).holding(3, 5002);
    proc.lastPid(501);
    proc.tcp(line(CLIENT_HEX, SMTPD_HEX, ESTABLISHED, 33, 5002));
    assertEquals(501, pidOf(lookup.lookup(CLIENT, SMTPD)));

    proc.tcp(line(CLIENT_HEX, SMTPD_HEX, ESTABLISHED, 33, 5001));
    assertInstanceOf(OwnerOnly.class, lookup.lookup(CLIENT, SMTPD));
    proc.lastPid(30); // pids wrapped around: now the listing is the only way
    assertEquals(20, pidOf(lookup.lookup(CLIENT, SMTPD)));
  }

  @Test
  void findsAProcessWhoseUidChangedSinceItWasIndexed() {
    FakeProcTree.FakeProcess worker =
        proc.process(300, 0); // a worker forked by a root master, not yet setuid
    ProcfsPeerLookup lookup = lookup(ScanLimits.DEFAULT);
    assertInstanceOf(OwnerOnly.class, lookup.lookup(CLIENT, SMTPD));

    worker.ownedBy(33).holding(4, 5001);

    assertEquals(300, pidOf(lookup.lookup(CLIENT, SMTPD)));
  }

  @Test
  void aProcessFoundHoldingAClientSocketIsReadFirstForItsUidsNextLookup() {
    proc.lastPid(100);
    proc.process(100, 33).holding(3, 5001); // a long-lived worker: soon the oldest of its uid
    ScanLimits twoProcesses = new ScanLimits(2, 1000, Duration.ofSeconds(1));
    ProcfsPeerLookup lookup = lookup(twoProcesses);
    assertEquals(100, pidOf(lookup.lookup(CLIENT, SMTPD)));

    for (int pid = 101; pid < 110; pid++) {
      proc.process(pid, 33).holding(3, 4000 + pid);
    }
    proc.lastPid(109);
    proc.process(100, 33).holding(4, 5002); // its next message
    proc.tcp(line(CLIENT_HEX, SMTPD_HEX, ESTABLISHED, 33, 5002));

    assertEquals(100, pidOf(lookup.lookup(CLIENT, SMTPD)), "read first, within two processes");
    assertInstanceOf(
        OwnerOnly.class,
        lookup(twoProcesses).lookup(CLIENT, SMTPD),
        "without that memory, the nine newer processes come first");
  }

  @Test
  void aRecentHolderIsAskedFirstForTheFdItHeldItsLastClientSocketAt() {
    FakeProcTree.FakeProcess worker = proc.process(100, 33).holding(40, 5001);
    ProcfsPeerLookup lookup = lookup(ScanLimits.DEFAULT);
    assertEquals(100, pidOf(lookup.lookup(CLIENT, SMTPD)));

    for (int fd = 1; fd < 40; fd++) {
      worker.holding(fd, 6000 + fd); // it opened files and sockets since
    }
    worker.holding(40, 5002); // its next message, on the same fd
    proc.tcp(line(CLIENT_HEX, SMTPD_HEX, ESTABLISHED, 33, 5002));

    assertEquals(
        3, readsOfAFoundLookup(lookup), "the budget's start, the holder's uid, fd 40 alone");
  }

  @Test
  void aRecentHolderAtAnFdNotRememberedIsStillFound() {
    FakeProcTree.FakeProcess worker = proc.process(100, 33).holding(40, 5001);
    ProcfsPeerLookup lookup = lookup(ScanLimits.DEFAULT);
    assertEquals(100, pidOf(lookup.lookup(CLIENT, SMTPD)));

    worker.holding(40, 7000).holding(41, 5002); // fd 40 now holds something else
    proc.tcp(line(CLIENT_HEX, SMTPD_HEX, ESTABLISHED, 33, 5002));
    assertEquals(100, pidOf(lookup.lookup(CLIENT, SMTPD)), "a miss at fd 40, then all its fds");
  }

  @Test
  void aClientWithSeveralConnectionsIsAskedFirstAtTheFdOfTheOneFoundLongestAgo() {
    FakeProcTree.FakeProcess client = proc.process(100, 33);
    ProcfsPeerLookup lookup = lookup(ScanLimits.DEFAULT);
    openConnectionsFoundOneByOne(client, lookup); // at fds 3 to 18, and kept open
    client.holding(3, 6003); // the first one closed, and its fd went to the next connection
    proc.tcp(line(CLIENT_HEX, SMTPD_HEX, ESTABLISHED, 33, 6003));

    assertEquals(
        6,
        readsOfAFoundLookup(lookup),
        "the budget's start; its uid and newest fd; its uid, fd table and oldest fd");
  }

  @Test
  void aClientThatWentBackToSendingOneMessageAtATimeIsAskedAtItsNewestFdFirst() {
    FakeProcTree.FakeProcess client = proc.process(100, 33);
    ProcfsPeerLookup lookup = lookup(ScanLimits.DEFAULT);
    openConnectionsFoundOneByOne(client, lookup); // a busy hour's connections
    client.holding(18, 6000); // its next connection, on the fd of its last one
    proc.tcp(line(CLIENT_HEX, SMTPD_HEX, ESTABLISHED, 33, 6000));

    assertEquals(
        3, readsOfAFoundLookup(lookup), "the budget's start, the holder's uid, one fd link");
  }

  @Test
  void theRememberedFdsAClientHasClosedSinceCostNothing() throws IOException {
    FakeProcTree.FakeProcess client = proc.process(100, 33);
    ProcfsPeerLookup lookup = lookup(ScanLimits.DEFAULT);
    openConnectionsFoundOneByOne(client, lookup);
    for (int fd = 3; fd < 11; fd++) { // the eight oldest connections closed
      Files.delete(client.dir.resolve("fd/" + fd));
    }
    client.holding(11, 6000); // and the ninth's fd went to the next one
    proc.tcp(line(CLIENT_HEX, SMTPD_HEX, ESTABLISHED, 33, 6000));

    assertEquals(
        6,
        readsOfAFoundLookup(lookup),
        "the budget's start; its uid and newest fd; its uid, fd table and fd 11");
  }

  @Test
  void aRecentHolderWithMoreFdsThanTheLimitEndsTheSearchAtTheLimit() {
    FakeProcTree.FakeProcess client = proc.process(100, 33).holding(3, 5001);
    ProcfsPeerLookup lookup = lookup(new ScanLimits(100, 39, Duration.ofSeconds(1)));
    assertEquals(100, pidOf(lookup.lookup(CLIENT, SMTPD)));

    for (int fd = 4; fd < 100; fd++) {
      client.holding(fd, 6000 + fd);
    }
    client.holding(100, 5002);
    proc.tcp(line(CLIENT_HEX, SMTPD_HEX, ESTABLISHED, 33, 5002));

    assertEquals(
        new OwnerOnly(33, "www-data", STOPPED.replace("5001", "5002") + "read 39 fds"),
        lookup.lookup(CLIENT, SMTPD));
  }

  /**
   * As many connections as a holder's fds are remembered, at fds 3 and up, each looked up as it
   * opens.
   */
  private void openConnectionsFoundOneByOne(
      FakeProcTree.FakeProcess client, ProcfsPeerLookup lookup) {
    for (int fd = 3; fd < 3 + RecentHolders.FDS_PER_HOLDER; fd++) {
      client.holding(fd, 5000 + fd);
      proc.tcp(line(CLIENT_HEX, SMTPD_HEX, ESTABLISHED, 33, 5000 + fd));
      assertEquals(100, pidOf(lookup.lookup(CLIENT, SMTPD)));
    }
  }

  /**
   * How many times a lookup that finds pid 100 read its budget's clock: once at its start, then
   * once per uid, fd table or fd link it read.
   */
  private long readsOfAFoundLookup(ProcfsPeerLookup lookup) {
    tick = 1;
    long before = clock.get();
    assertEquals(100, pidOf(lookup.lookup(CLIENT, SMTPD)));
    return clock.get() - before;
  }

  @Test
  void namesTheProcessOfAThreadThatHoldsTheSocket() {
    proc.process(801, 33).holding(3, 5001);
    FakeProcTree.write(
        proc.root.resolve("801/status"),
        "Name:\tphp\nTgid:\t800\nPid:\t801\nUid:\t33\t33\t33\t33\n");

    assertEquals(800, pidOf(lookup(ScanLimits.DEFAULT).lookup(CLIENT, SMTPD)));
  }

  private ProcfsPeerLookup lookup(ScanLimits limits) {
    return new ProcfsPeerLookup(
        proc.root,
        dir.resolve("passwd"),
        new TcpSocketTable(proc.root),
        limits,
        () -> clock.addAndGet(tick),
        limitsReached::incrementAndGet);
  }
}
