package io.postwarden.core.server;

import java.time.Duration;
import java.util.List;

/**
 * Transport settings of the milter listener.
 *
 * @param maxFrameLength the largest milter packet accepted; Postfix's largest is a 64 KiB body chunk
 * @param idleTimeout    how long a session may stay silent; above Postfix's smtpd_timeout (300 s), because Postfix
 *                       keeps the milter connection open while its SMTP client thinks
 * @param maxSessions    connections beyond this are closed at once (Postfix then applies its default action)
 * @param shutdownGrace  how long SIGTERM waits for sessions in flight
 */
public record ServerSettings(List<Endpoint> endpoints, int maxFrameLength, Duration idleTimeout, int maxSessions,
    Duration shutdownGrace) {

  public ServerSettings {
    endpoints = List.copyOf(endpoints);
    if (endpoints.isEmpty()) {
      throw new IllegalArgumentException("no milter endpoint to listen on");
    }
  }
}
