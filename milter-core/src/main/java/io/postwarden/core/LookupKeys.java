package io.postwarden.core;

import io.postwarden.core.config.Config;
import io.postwarden.core.config.ConfigKey;
import io.postwarden.core.config.ConfigSchema;
import io.postwarden.core.lookup.server.LookupServerSettings;
import io.postwarden.core.server.Endpoint;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where lookup tables (socketmap, tcp_table) are served to Postfix, and their bounds. Both are off
 * by default.
 */
public final class LookupKeys {

  public static final ConfigKey<List<String>> SOCKETMAP =
      ConfigKey.list(
              "socketmap",
              List.of(),
              "Where Postfix's socketmap: tables connect (PostSRSd 2's protocol): inet:ADDRESS:PORT or unix:/PATH. Every "
                  + "table is served on each, by name. Empty: off.")
          .validatedBy(endpoints -> endpoints.forEach(Endpoint::parse));

  public static final ConfigKey<List<String>> TCP_TABLE =
      ConfigKey.list(
              "tcp-table",
              List.of(),
              "tcp_table listeners (PostSRSd 1.x's protocol), one table each, as TABLE=inet:ADDRESS:PORT, e.g. "
                  + "forward=inet:127.0.0.1:10001. Empty: off.")
          .validatedBy(LookupKeys::tcpTables);

  public static final ConfigKey<Integer> MAX_CONNECTIONS =
      ConfigKey.integer(
          "lookup-max-connections",
          1000,
          1,
          100_000,
          "Lookup-table connections served at once, over all listeners; more are closed (Postfix defers the "
              + "mail). Each Postfix process holds one per socketmap listener and one per tcp_table it uses.");

  public static final ConfigKey<Duration> IDLE_TIMEOUT =
      ConfigKey.duration(
              "lookup-idle-timeout",
              Duration.ofMinutes(10),
              "A lookup-table connection silent this long is closed. Postfix's tcp_table client "
                  + "never closes an idle connection and pauses 1s when it finds one closed, so keep this long.")
          .validatedBy(
              d -> {
                if (d.isZero() || d.isNegative()) {
                  throw new IllegalArgumentException("lookup-idle-timeout must be more than zero");
                }
              });

  public static final ConfigSchema SCHEMA =
      ConfigSchema.of(SOCKETMAP, TCP_TABLE, MAX_CONNECTIONS, IDLE_TIMEOUT);

  private LookupKeys() {}

  public static LookupServerSettings settings(Config config) {
    return new LookupServerSettings(
        config.get(SOCKETMAP).stream().map(Endpoint::parse).toList(),
        tcpTables(config.get(TCP_TABLE)),
        config.get(MAX_CONNECTIONS),
        config.get(IDLE_TIMEOUT),
        CoreKeys.socketAccess(config));
  }

  private static Map<String, Endpoint> tcpTables(List<String> entries) {
    Map<String, Endpoint> tables = new LinkedHashMap<>();
    for (String entry : entries) {
      int equals = entry.indexOf('=');
      if (equals <= 0) {
        throw new IllegalArgumentException(
            "expected TABLE=inet:ADDRESS:PORT, got \"" + entry + "\"");
      }
      String table = entry.substring(0, equals).trim();
      if (tables.put(table, Endpoint.parse(entry.substring(equals + 1).trim())) != null) {
        throw new IllegalArgumentException("table " + table + " is listed twice");
      }
    }
    return tables;
  }
}
