package io.postwarden.core.lookup.server;

import io.postwarden.core.server.Endpoint;
import io.postwarden.core.server.SocketAccess;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Where the lookup tables are served and within which bounds.
 *
 * @param socketmap socketmap listeners; every table is reachable on each by its name
 * @param tcpTables tcp_table listeners, one table each (the protocol has no table name): table name
 *     to endpoint
 * @param maxConnections client connections served at once, over all listeners; more are closed at
 *     once
 * @param idleTimeout a connection silent this long is closed
 * @param socketAccess who may connect to unix-socket listeners: the milter listeners' group and
 *     mode, since the same Postfix processes connect and the tables sign addresses for whoever asks
 */
public record LookupServerSettings(
    List<Endpoint> socketmap,
    Map<String, Endpoint> tcpTables,
    int maxConnections,
    Duration idleTimeout,
    SocketAccess socketAccess) {

  /**
   * Longest request accepted, in octets: a socketmap netstring's payload or a tcp_table line.
   * Postfix 3.12 limits its own socketmap queries to this (socketmap_max_query_size); keys are
   * addresses, far shorter.
   */
  public static final int MAX_REQUEST_OCTETS = 10_000;

  public LookupServerSettings {
    socketmap = List.copyOf(socketmap);
    // in the configured order: listeners bind, log and report their addresses in the order the
    // operator wrote them
    tcpTables = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(tcpTables));
  }

  public boolean enabled() {
    return !socketmap.isEmpty() || !tcpTables.isEmpty();
  }
}
