package io.postwarden.audit.identity;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.postwarden.audit.process.PeerLookupResult;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Peer-process lookups by result (found, owner_only, not_found) with their duration. */
public final class IdentityMetrics {

  private final Map<String, Timer> lookups;

  public IdentityMetrics(MeterRegistry registry) {
    lookups =
        Map.of(
            "found",
            timer(registry, "found"),
            "owner_only",
            timer(registry, "owner_only"),
            "not_found",
            timer(registry, "not_found"));
  }

  private static Timer timer(MeterRegistry registry, String result) {
    return Timer.builder("postwarden.peer.lookup.duration")
        .description("Finding the local process behind a TCP client")
        .tag("result", result)
        .publishPercentileHistogram()
        .register(registry);
  }

  void lookup(PeerLookupResult result, long nanos) {
    String label =
        result instanceof PeerLookupResult.Found
            ? "found"
            : result instanceof PeerLookupResult.OwnerOnly ? "owner_only" : "not_found";
    lookups.get(label).record(nanos, TimeUnit.NANOSECONDS);
  }
}
