package io.postwarden.srs.routing;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * {@code postwarden_srs_routing_lookups_total{answer}}: lookups in Postfix's maps answered from
 * memory ({@code remembered}), by running postmap ({@code asked}), or that failed ({@code failed}:
 * the recipient counts as leaving). A high share of {@code asked} means process starts,
 * milliseconds of CPU each.
 */
public final class RoutingMetrics {

  private final Counter remembered;
  private final Counter asked;
  private final Counter failed;

  public RoutingMetrics(MeterRegistry registry) {
    this.remembered = counter(registry, "remembered");
    this.asked = counter(registry, "asked");
    this.failed = counter(registry, "failed");
  }

  private static Counter counter(MeterRegistry registry, String answer) {
    return Counter.builder("postwarden.srs.routing.lookups")
        .description(
            "Lookups in Postfix's alias maps for recipient routing, by how they were answered")
        .tag("answer", answer)
        .register(registry);
  }

  void remembered() {
    remembered.increment();
  }

  void asked() {
    asked.increment();
  }

  void failed() {
    failed.increment();
  }
}
