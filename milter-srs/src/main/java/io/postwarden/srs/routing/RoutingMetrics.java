package io.postwarden.srs.routing;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code postwarden_srs_routing_lookups_total{answer}}: lookups in Postfix's maps answered from
 * memory ({@code remembered}), by running postmap ({@code asked}), or that failed ({@code failed}:
 * the recipient counts as leaving). A high share of {@code asked} means process starts,
 * milliseconds of CPU each.
 *
 * <p>{@code postwarden_srs_routing_forward_files_total{outcome}}: users' forward and :include:
 * files read and parsed ({@code read}), found unchanged since ({@code unchanged}), skipped because
 * local(8) would skip them too ({@code ignored}: not a regular file, wrong owner, world-writable,
 * unreadable for the user), or refused ({@code refused}: too large, too many entries, changed while
 * read, not visible to us; the recipient counts as leaving).
 */
public final class RoutingMetrics {

  private final Counter remembered;
  private final Counter asked;
  private final Counter failed;
  private final Map<String, Counter> forwardFiles = new HashMap<>();

  public RoutingMetrics(MeterRegistry registry) {
    this.remembered = counter(registry, "remembered");
    this.asked = counter(registry, "asked");
    this.failed = counter(registry, "failed");
    for (String outcome : List.of("read", "unchanged", "ignored", "refused")) {
      forwardFiles.put(
          outcome,
          Counter.builder("postwarden.srs.routing.forward.files")
              .description("Users' forward and :include: files looked at for recipient routing")
              .tag("outcome", outcome)
              .register(registry));
    }
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

  /**
   * @param outcome read, unchanged, ignored or refused
   */
  void forwardFile(String outcome) {
    forwardFiles.get(outcome).increment();
  }
}
