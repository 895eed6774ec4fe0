package io.postwarden.srs.routing;

import static org.junit.jupiter.api.Assertions.*;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.postwarden.core.testing.MutableClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real files, read by the real dd. */
class ForwardFilesTest {

  private static final LocalUser ALICE = new LocalUser("alice", 1000, 1000, Path.of("/"), "");

  private final MeterRegistry registry = new SimpleMeterRegistry();
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-30T00:00:00Z"));
  private final AtomicInteger reads = new AtomicInteger();
  private final ForwardFiles files =
      new ForwardFiles(
          (file, limit) -> {
            reads.incrementAndGet();
            return ForwardFiles.readWithDd(file, limit);
          },
          clock,
          new RoutingMetrics(registry));

  private double outcome(String outcome) {
    return registry
        .get("postwarden.srs.routing.forward.files")
        .tag("outcome", outcome)
        .counter()
        .count();
  }

  @Test
  void aFileIsReadOnceUntilItChanges(@TempDir Path dir) throws Exception {
    Path forward = Files.writeString(dir.resolve(".forward"), "bob@far.example\n");
    assertEquals(
        new ForwardFiles.Look.Entries(List.of("bob@far.example")),
        files.look(forward, ALICE, true, false));
    assertEquals(
        new ForwardFiles.Look.Entries(List.of("bob@far.example")),
        files.look(forward, ALICE, true, true),
        "from memory within a second");
    clock.advance(Duration.ofSeconds(1));
    assertThrows(MapLookup.NotRemembered.class, () -> files.look(forward, ALICE, true, true));
    files.look(forward, ALICE, true, false);
    assertEquals(1, reads.get(), "unchanged: looked at, not read again");
    assertEquals(1, outcome("unchanged"));

    Files.writeString(forward, "carol@far.example\n");
    clock.advance(Duration.ofSeconds(1));
    assertEquals(
        new ForwardFiles.Look.Entries(List.of("carol@far.example")),
        files.look(forward, ALICE, true, false));
    assertEquals(2, reads.get());
  }

  @Test
  void aFifoIsNeitherFollowedNorWaitedFor(@TempDir Path dir) throws Exception {
    Path fifo = dir.resolve(".forward");
    assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
    assertInstanceOf(ForwardFiles.Look.Ignored.class, files.look(fifo, ALICE, true, false));
    // as if it had been swapped in between the check and the read: the read returns at once
    assertEquals(0, ForwardFiles.readWithDd(fifo, 100).length);
  }

  @Test
  void aFileTooLargeIsRefusedUnread(@TempDir Path dir) throws Exception {
    Path forward = Files.write(dir.resolve(".forward"), new byte[ForwardFiles.MAX_OCTETS + 1]);
    assertThrows(IOException.class, () -> files.look(forward, ALICE, true, false));
    assertEquals(0, reads.get());
    assertEquals(1, outcome("refused"));
  }

  @Test
  void anotherUsersIncludeFileIsReadOnlyWhenTheUserCouldReadIt(@TempDir Path dir) throws Exception {
    Path list = Files.writeString(dir.resolve("list"), "bob@far.example\n");
    Files.setAttribute(list, "unix:uid", 0);
    Files.setAttribute(list, "unix:gid", 0);
    Files.setAttribute(list, "unix:mode", 0600);
    assertInstanceOf(ForwardFiles.Look.Ignored.class, files.look(list, ALICE, false, false));
    Files.setAttribute(list, "unix:mode", 0644);
    clock.advance(Duration.ofSeconds(1));
    assertInstanceOf(ForwardFiles.Look.Entries.class, files.look(list, ALICE, false, false));
  }
}
