package io.postwarden.limits.state;

import io.postwarden.limits.store.LocalCounterStore;
import io.postwarden.limits.store.SavedKey;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Keeps the in-process counts across restarts: reads the state file once at start, then writes the
 * live counts every {@code limits-state-interval} and once more when the daemon stops, so a crash
 * loses at most one interval. A file that cannot be used is logged as an error, counted, set aside,
 * and counting starts from zero: refusing to start would stop all mail, while the daemon's own user
 * is the only one who could have damaged a private file.
 */
public final class StateKeeper implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger("postwarden.limits");

  private final StateFile file;
  private final Supplier<LocalCounterStore> store;
  private final Clock clock;
  private final Consumer<StateFile.Problem> problems;
  private final ScheduledExecutorService scheduler;

  private StateKeeper(
      StateFile file,
      Supplier<LocalCounterStore> store,
      Duration every,
      Clock clock,
      Consumer<StateFile.Problem> problems) {
    this.file = file;
    this.store = store;
    this.clock = clock;
    this.problems = problems;
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "limits-state");
              thread.setDaemon(true);
              return thread;
            });
    scheduler.scheduleWithFixedDelay(
        this::save, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Restores {@code store} from the file, then saves whatever store {@code current} names from now
   * on.
   *
   * @param problems told of each file that was refused and each write that failed
   */
  public static StateKeeper start(
      StateFile file,
      LocalCounterStore store,
      int maxKeysPerKind,
      Supplier<LocalCounterStore> current,
      Duration every,
      Clock clock,
      Consumer<StateFile.Problem> problems) {
    restore(file, store, maxKeysPerKind, problems);
    return new StateKeeper(file, current, every, clock, problems);
  }

  private static void restore(
      StateFile file,
      LocalCounterStore store,
      int maxKeysPerKind,
      Consumer<StateFile.Problem> problems) {
    try {
      Optional<List<SavedKey>> saved = file.read(StateCodec.maxBytes(maxKeysPerKind));
      if (saved.isEmpty()) {
        LOG.log(
            Level.INFO, "no limits state file " + file.path() + " yet: counting starts from zero");
        return;
      }
      int restored = store.restore(saved.get());
      LOG.log(
          Level.INFO,
          "limits counts restored from "
              + file.path()
              + ": "
              + restored
              + " of "
              + saved.get().size()
              + " keys still counting");
    } catch (StateFile.RefusedException e) {
      problems.accept(e.problem());
      String aside =
          e.problem() == StateFile.Problem.UNREADABLE
              ? ""
              : file.setAside().map(path -> "; kept as " + path).orElse("");
      LOG.log(
          Level.ERROR,
          "limits state refused ("
              + e.problem().label()
              + "): "
              + e.getMessage()
              + aside
              + ". Every sender's counts start from zero: check who could write it");
    }
  }

  /** Writes the live counts now. */
  public synchronized void save() {
    try {
      file.write(StateCodec.encode(clock.millis(), store.get().snapshot()));
    } catch (IOException | RuntimeException e) {
      problems.accept(StateFile.Problem.WRITE_FAILED);
      LOG.log(
          Level.ERROR,
          "cannot write the limits state file "
              + file.path()
              + ": "
              + e
              + "; a restart would forget counts since the last write");
    }
  }

  /** Stops the periodic writes and writes once more. */
  @Override
  public void close() {
    scheduler.shutdownNow();
    try {
      scheduler.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    save();
  }
}
