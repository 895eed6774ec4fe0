package io.postwarden.core.server;

import io.postwarden.core.policy.MailOrigin;
import io.postwarden.core.session.ConnectionDrop;
import io.postwarden.core.session.SessionObserver;
import java.lang.System.Logger.Level;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reports connections a listener refused or cut off: every one to the observer (metrics), and to
 * the log only the 1st, 2nd, 4th, 8th… of each reason, so that a flood of connections cannot flood
 * the log as well.
 */
final class ConnectionDrops {

  private static final System.Logger LOG = System.getLogger(MilterServer.class.getName());

  private final SessionObserver observer;
  private final Map<ConnectionDrop, AtomicLong> counts = new EnumMap<>(ConnectionDrop.class);

  ConnectionDrops(SessionObserver observer) {
    this.observer = observer;
    for (ConnectionDrop reason : ConnectionDrop.values()) {
      counts.put(reason, new AtomicLong());
    }
  }

  void record(MailOrigin listener, ConnectionDrop reason, String peer) {
    observer.connectionDropped(listener, reason);
    long count = counts.get(reason).incrementAndGet();
    if (Long.bitCount(count) == 1) {
      LOG.log(
          Level.WARNING,
          (reason.atAccept() ? "refused a connection from " : "closed the connection of ")
              + peer
              + " on a "
              + listener.name().toLowerCase(Locale.ROOT).replace('_', '-')
              + " listener: "
              + reason.label()
              + " ("
              + count
              + (count == 1 ? " so far" : " since start")
              + "; further ones are logged at "
              + count * 2
              + ")");
    }
  }
}
