package io.postwarden.core.lookup.server;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Lookup counters by table and result. Table names come from the tables served (a name a client
 * made up counts as {@value #UNKNOWN}), results from a closed set, so the series stay bounded; all
 * exist from start-up at zero.
 */
public final class LookupMetrics {

  /** Label values of {@code postwarden_lookups_total{result}}. */
  public enum Result {
    FOUND,
    NOT_FOUND,
    TEMP_ERROR,
    /** A request that broke the protocol, or named no table we serve. */
    BAD_REQUEST;

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  static final String UNKNOWN = "unknown";

  private final Map<String, Map<Result, Counter>> lookups = new HashMap<>();
  private final Counter refusedConnections;
  private final AtomicInteger activeConnections = new AtomicInteger();

  public LookupMetrics(MeterRegistry registry, Collection<String> tableNames) {
    for (String table : tableNames) {
      lookups.put(table, counters(registry, table));
    }
    lookups.put(UNKNOWN, counters(registry, UNKNOWN));
    refusedConnections =
        Counter.builder("postwarden.lookup.connections.refused")
            .description(
                "Lookup-table client connections closed at once because lookup-max-connections were open")
            .register(registry);
    registry.gauge("postwarden.lookup.connections.active", activeConnections);
  }

  private static Map<Result, Counter> counters(MeterRegistry registry, String table) {
    Map<Result, Counter> byResult = new EnumMap<>(Result.class);
    for (Result result : Result.values()) {
      byResult.put(
          result,
          Counter.builder("postwarden.lookups")
              .description("Lookup-table requests (socketmap, tcp_table) by table and result")
              .tag("map", table)
              .tag("result", result.label())
              .register(registry));
    }
    return byResult;
  }

  void lookup(String table, Result result) {
    lookups.getOrDefault(table, lookups.get(UNKNOWN)).get(result).increment();
  }

  void connectionRefused() {
    refusedConnections.increment();
  }

  AtomicInteger activeConnections() {
    return activeConnections;
  }
}
