package io.postwarden.srs.longsender;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/** Counters of the long-sender store, every label value from a closed set. */
final class StoreMetrics {

  /** Label values of {@code postwarden_srs_store_reads_total}. */
  enum Read {
    FOUND,
    MISSING,
    UNAVAILABLE
  }

  static final String UNAVAILABLE = "unavailable";

  private final Map<SenderStore.Put, Counter> writes = new EnumMap<>(SenderStore.Put.class);
  private final Counter writesUnavailable;
  private final Map<Read, Counter> reads = new EnumMap<>(Read.class);

  StoreMetrics(MeterRegistry registry) {
    for (SenderStore.Put result : SenderStore.Put.values()) {
      writes.put(result, write(registry, result.name().toLowerCase(Locale.ROOT)));
    }
    writesUnavailable = write(registry, UNAVAILABLE);
    for (Read result : Read.values()) {
      reads.put(
          result,
          Counter.builder("postwarden.srs.store.reads")
              .description(
                  "Bounces to stored SRS addresses looked up in the long-sender store, by result")
              .tag("result", result.name().toLowerCase(Locale.ROOT))
              .register(registry));
    }
  }

  /** Once per registry and store: a gauge registered again is ignored with a warning. */
  static void countEntries(MeterRegistry registry, Supplier<Number> entries) {
    Gauge.builder("postwarden.srs.store.entries", entries)
        .description("Senders the long-sender store held when it last counted them")
        .register(registry);
  }

  private static Counter write(MeterRegistry registry, String result) {
    return Counter.builder("postwarden.srs.store.writes")
        .description(
            "Senders too long for SRS offered to the long-sender store, by result; all but stored and "
                + "refreshed left the sender unchanged")
        .tag("result", result)
        .register(registry);
  }

  void written(SenderStore.Put result) {
    writes.get(result).increment();
  }

  void writeUnavailable() {
    writesUnavailable.increment();
  }

  void read(Read result) {
    reads.get(result).increment();
  }
}
