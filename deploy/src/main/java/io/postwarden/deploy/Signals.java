package io.postwarden.deploy;

import java.lang.System.Logger.Level;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * The daemon's signals, delivered in order to the main thread: SIGTERM and SIGINT stop gracefully
 * (exit 0 after, as systemd expects; the JVM's own handling would exit 143 without waiting for
 * sessions), SIGHUP reloads.
 *
 * <p>A process started with one of these signals ignored (nohup ignores SIGHUP) cannot handle it:
 * the JVM leaves an inherited SIG_IGN in place for its shutdown signals, installs nothing and only
 * answers SIG_IGN. That is said at start, or reloads would silently do nothing.
 */
final class Signals {

  enum Event {
    STOP,
    RELOAD
  }

  private static final System.Logger LOG = System.getLogger(Signals.class.getName());

  private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();

  static Signals install() {
    Signals signals = new Signals();
    if (!signals.handle("TERM", Event.STOP)) {
      LOG.log(
          Level.WARNING,
          "SIGTERM was ignored when Postwarden started, so it cannot stop Postwarden gracefully; "
              + "start it from a shell that does not ignore SIGTERM");
    }
    // background jobs of a script ignore SIGINT; SIGTERM stops the daemon all the same
    signals.handle("INT", Event.STOP);
    if (!signals.handle("HUP", Event.RELOAD)) {
      LOG.log(
          Level.WARNING,
          "SIGHUP was ignored when Postwarden started (nohup?), so SIGHUP cannot reload the "
              + "configuration: restart to apply changes, and start Postwarden without nohup (systemd does not need it)");
    }
    return signals;
  }

  /** False when the signal was ignored at start and so cannot be handled. */
  private boolean handle(String name, Event event) {
    return Signal.handle(new Signal(name), signal -> events.add(event)) != SignalHandler.SIG_IGN;
  }

  /** The next signal; only a signal ends the wait. */
  Event next() {
    while (true) {
      try {
        return events.take();
      } catch (InterruptedException ignored) {
        // keep waiting: the daemon runs until told to stop
      }
    }
  }
}
