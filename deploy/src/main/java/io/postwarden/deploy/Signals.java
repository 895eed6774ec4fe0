package io.postwarden.deploy;

import sun.misc.Signal;

/**
 * SIGTERM and SIGINT start a graceful stop and the process exits 0 after it, as systemd expects; the JVM's own
 * handling would exit 143 without waiting for sessions.
 */
final class Signals {

  private Signals() {}

  static void onTerminate(Runnable action) {
    Signal.handle(new Signal("TERM"), signal -> action.run());
    Signal.handle(new Signal("INT"), signal -> action.run());
  }
}
