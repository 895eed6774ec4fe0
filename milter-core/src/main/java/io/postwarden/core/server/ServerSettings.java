package io.postwarden.core.server;

import io.postwarden.core.session.SessionLimits;
import java.time.Duration;
import java.util.List;

/**
 * Transport settings of the milter listeners.
 *
 * @param listeners where to listen, each for smtpd_milters or non_smtpd_milters
 * @param maxFrameLength the largest milter packet accepted; Postfix's largest is a 64 KiB body
 *     chunk
 * @param limits sessions per listener kind and per peer, and the deadlines a connection must keep
 * @param socketAccess group and mode of unix-socket listeners
 * @param sessionLimits what one session may keep in memory
 * @param shutdownGrace how long SIGTERM waits for sessions in flight
 */
public record ServerSettings(
    List<Listener> listeners,
    int maxFrameLength,
    ListenerLimits limits,
    SocketAccess socketAccess,
    SessionLimits sessionLimits,
    Duration shutdownGrace) {

  public ServerSettings {
    listeners = List.copyOf(listeners);
    if (listeners.isEmpty()) {
      throw new IllegalArgumentException("no milter endpoint to listen on");
    }
    List<String> fixed =
        listeners.stream()
            .map(l -> l.endpoint().spec())
            .filter(spec -> !spec.endsWith(":0"))
            .toList();
    if (fixed.stream().distinct().count() != fixed.size()) {
      throw new IllegalArgumentException(
          "each milter endpoint may be listed once: the smtpd and non-smtpd "
              + "listeners must differ, since the listener tells the two paths apart");
    }
  }
}
