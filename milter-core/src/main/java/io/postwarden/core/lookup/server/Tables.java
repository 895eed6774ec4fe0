package io.postwarden.core.lookup.server;

import io.postwarden.core.lookup.LookupContext;
import io.postwarden.core.lookup.LookupResult;
import io.postwarden.core.lookup.LookupTable;
import io.postwarden.core.lookup.server.LookupMetrics.Result;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The tables in force (a reload swaps them), each lookup counted; a table that throws answers "try
 * again later".
 */
final class Tables {

  private static final System.Logger LOG = System.getLogger(LookupServer.class.getName());

  private volatile Map<String, LookupTable> tables;
  private final LookupMetrics metrics;

  Tables(Map<String, LookupTable> tables, LookupMetrics metrics) {
    this.tables = Map.copyOf(tables);
    this.metrics = metrics;
  }

  void replace(Map<String, LookupTable> newTables) {
    tables = Map.copyOf(newTables);
  }

  List<String> names() {
    return tables.keySet().stream().sorted().toList();
  }

  /**
   * Whether looking {@code key} up in {@code table} may block; a table that fails to answer is
   * taken to block.
   */
  boolean mayBlock(String table, String key) {
    LookupTable found = tables.get(table);
    try {
      return found != null && found.mayBlock(key);
    } catch (RuntimeException e) {
      LOG.log(Level.ERROR, "lookup table " + table + " failed to tell whether it blocks", e);
      return true;
    }
  }

  /** Empty when no table has that name. */
  Optional<LookupResult> lookup(String table, String key, LookupContext context) {
    LookupTable found = tables.get(table);
    if (found == null) {
      metrics.lookup(table, Result.BAD_REQUEST);
      return Optional.empty();
    }
    LookupResult result;
    try {
      result = found.lookup(key, context);
    } catch (RuntimeException e) {
      LOG.log(Level.ERROR, "lookup table " + table + " failed", e);
      result = new LookupResult.Failed("internal error");
    }
    metrics.lookup(
        table,
        result instanceof LookupResult.Found
            ? Result.FOUND
            : result instanceof LookupResult.Failed ? Result.TEMP_ERROR : Result.NOT_FOUND);
    return Optional.of(result);
  }

  /** A lookup that could not run: the workers were saturated. */
  void busy(String table) {
    metrics.lookup(table, Result.TEMP_ERROR);
  }

  void badRequest(String table) {
    metrics.lookup(table, Result.BAD_REQUEST);
  }
}
