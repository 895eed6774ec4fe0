package io.postwarden.core.server;

import java.time.Duration;
import java.util.List;

/**
 * Transport settings of the milter listeners.
 *
 * @param listeners      where to listen, each for smtpd_milters or non_smtpd_milters
 * @param maxFrameLength the largest milter packet accepted; Postfix's largest is a 64 KiB body chunk
 * @param idleTimeout    how long a session may stay silent; above Postfix's smtpd_timeout (300 s), because Postfix
 *                       keeps the milter connection open while its SMTP client thinks
 * @param maxSessions    connections beyond this are closed at once (Postfix then applies its default action)
 * @param shutdownGrace  how long SIGTERM waits for sessions in flight
 */
public record ServerSettings(List<Listener> listeners, int maxFrameLength, Duration idleTimeout, int maxSessions,
    Duration shutdownGrace) {

  public ServerSettings {
    listeners = List.copyOf(listeners);
    if (listeners.isEmpty()) {
      throw new IllegalArgumentException("no milter endpoint to listen on");
    }
    List<String> fixed = listeners.stream().map(l -> l.endpoint().spec()).filter(spec -> !spec.endsWith(":0")).toList();
    if (fixed.stream().distinct().count() != fixed.size()) {
      throw new IllegalArgumentException("each milter endpoint may be listed once: the smtpd and non-smtpd "
          + "listeners must differ, since the listener tells the two paths apart");
    }
  }
}
