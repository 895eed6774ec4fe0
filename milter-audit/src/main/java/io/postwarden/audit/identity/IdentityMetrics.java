package io.postwarden.audit.identity;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.postwarden.audit.process.PeerLookupResult;
import java.util.concurrent.TimeUnit;

/** Peer-process lookups by result (found, owner_only, not_found) with their duration. */
public final class IdentityMetrics {

  private final MeterRegistry registry;

  public IdentityMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  void lookup(PeerLookupResult result, long nanos) {
    String label = result instanceof PeerLookupResult.Found ? "found"
        : result instanceof PeerLookupResult.OwnerOnly ? "owner_only" : "not_found";
    Timer.builder("postwarden.peer.lookup.duration")
        .description("Finding the local process behind a TCP client")
        .tag("result", label)
        .publishPercentileHistogram()
        .register(registry)
        .record(nanos, TimeUnit.NANOSECONDS);
  }
}
