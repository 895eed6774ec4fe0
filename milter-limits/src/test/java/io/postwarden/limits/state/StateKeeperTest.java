package io.postwarden.limits.state;

import static org.junit.jupiter.api.Assertions.*;

import io.postwarden.core.testing.MutableClock;
import io.postwarden.limits.key.LimitKey;
import io.postwarden.limits.rule.LimitRule;
import io.postwarden.limits.store.Charge;
import io.postwarden.limits.store.Counter;
import io.postwarden.limits.store.LocalCounterStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A daemon's counts, saved when it stops, are what a new daemon's fresh store starts from. */
class StateKeeperTest {

  static final LimitKey ALICE = LimitKey.sasl("alice");
  static final LimitRule THREE_PER_HOUR = LimitRule.parse("messages 3/1h");
  static final LimitRule ONE_PER_MINUTE_COOLDOWN =
      LimitRule.parse("recipients 1/1m hold cooldown 2h");

  @TempDir Path dir;
  final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
  final List<StateFile.Problem> problems = new ArrayList<>();

  StateKeeper start(LocalCounterStore store) {
    return StateKeeper.start(
        new StateFile(dir.resolve("limits.state")),
        store,
        100,
        () -> store,
        Duration.ofHours(1),
        clock,
        problems::add);
  }

  LocalCounterStore freshStore() {
    return new LocalCounterStore(clock, 100, kind -> {});
  }

  Charge send(LocalCounterStore store) {
    return store.charge(List.of(ALICE), List.of(new Counter(ALICE, THREE_PER_HOUR, true)));
  }

  @Test
  void countsAndCooldownsSurviveARestart() {
    LocalCounterStore before = freshStore();
    StateKeeper keeper = start(before);
    send(before);
    send(before);
    before.charge(List.of(ALICE), List.of(new Counter(ALICE, ONE_PER_MINUTE_COOLDOWN, false)));
    before.charge(List.of(ALICE), List.of(new Counter(ALICE, ONE_PER_MINUTE_COOLDOWN, false)));
    keeper.close();

    clock.advance(Duration.ofMinutes(5));
    LocalCounterStore after = freshStore();
    start(after).close();
    assertEquals(List.of(), problems);
    assertInstanceOf(Charge.Charged.class, send(after));
    assertInstanceOf(
        Charge.Refused.class, send(after), "the two sent before the restart still count");
    assertEquals(
        Instant.parse("2026-12-01T12:00:00Z"),
        after.usage(ALICE, List.of()).coolingDownUntil().orElseThrow());
  }

  @Test
  void countsWhoseWindowsPassedWhileStoppedAreDropped() {
    LocalCounterStore before = freshStore();
    StateKeeper keeper = start(before);
    send(before);
    keeper.close();

    clock.advance(Duration.ofHours(3));
    LocalCounterStore after = freshStore();
    start(after);
    assertEquals(List.of(), after.snapshot());
  }

  @Test
  void theFileIsWrittenPeriodicallyNotOnlyAtTheEnd() {
    LocalCounterStore before = freshStore();
    StateKeeper keeper = start(before);
    send(before);
    keeper.save(); // what the periodic task runs
    // a crash: no final write
    LocalCounterStore after = freshStore();
    start(after);
    assertEquals(1, after.usage(ALICE, List.of(THREE_PER_HOUR)).rules().get(0).used());
  }

  @Test
  void aDamagedFileIsCountedSetAsideAndTheDaemonStartsFromZero() throws Exception {
    Path path = dir.resolve("limits.state");
    Files.write(
        path,
        new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21});
    Files.setPosixFilePermissions(
        path, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    LocalCounterStore store = freshStore();
    StateKeeper keeper = start(store);
    assertEquals(List.of(StateFile.Problem.CORRUPT), problems);
    assertTrue(Files.exists(dir.resolve("limits.state.refused")));
    assertInstanceOf(Charge.Charged.class, send(store));
    keeper.close();
    assertEquals(
        1,
        freshStoreRestored().usage(ALICE, List.of(THREE_PER_HOUR)).rules().get(0).used(),
        "the next write is a good file again");
  }

  @Test
  void aFailedWriteIsCountedAndTheOldFileKept() throws Exception {
    Path blocked = dir.resolve("not-a-dir");
    Files.writeString(blocked, "a file where the state directory should be");
    LocalCounterStore store = freshStore();
    StateKeeper keeper =
        StateKeeper.start(
            new StateFile(blocked.resolve("limits.state")),
            store,
            100,
            () -> store,
            Duration.ofHours(1),
            clock,
            problems::add);
    keeper.close();
    assertEquals(List.of(StateFile.Problem.UNREADABLE, StateFile.Problem.WRITE_FAILED), problems);
  }

  private LocalCounterStore freshStoreRestored() {
    LocalCounterStore store = freshStore();
    start(store);
    return store;
  }
}
