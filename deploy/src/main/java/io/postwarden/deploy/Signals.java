package io.postwarden.deploy;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import sun.misc.Signal;

/**
 * The daemon's signals, delivered in order to the main thread: SIGTERM and SIGINT stop gracefully (exit 0 after,
 * as systemd expects; the JVM's own handling would exit 143 without waiting for sessions), SIGHUP reloads.
 */
final class Signals {

  enum Event { STOP, RELOAD }

  private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();

  static Signals install() {
    Signals signals = new Signals();
    Signal.handle(new Signal("TERM"), signal -> signals.events.add(Event.STOP));
    Signal.handle(new Signal("INT"), signal -> signals.events.add(Event.STOP));
    Signal.handle(new Signal("HUP"), signal -> signals.events.add(Event.RELOAD));
    return signals;
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
