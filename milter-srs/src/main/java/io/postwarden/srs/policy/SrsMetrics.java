package io.postwarden.srs.policy;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.postwarden.srs.codec.ReverseFailure;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** SRS counters by result, every label value from a closed set and registered at start-up. */
public final class SrsMetrics {

  /** Bounded label values of {@code postwarden_srs_forward_total}. */
  public enum Forward { REWRITTEN, SKIPPED, ERROR }

  static final String REVERSED = "reversed";

  private final Map<Forward, Counter> forward = new EnumMap<>(Forward.class);
  private final Map<String, Counter> reverse = new HashMap<>();

  public SrsMetrics(MeterRegistry registry) {
    for (Forward result : Forward.values()) {
      forward.put(result, Counter.builder("postwarden.srs.forward")
          .description("Envelope senders considered for SRS rewriting, by result")
          .tag("result", result.name().toLowerCase(Locale.ROOT))
          .register(registry));
    }
    reverse.put(REVERSED, reverseCounter(registry, REVERSED));
    for (ReverseFailure failure : ReverseFailure.values()) {
      if (failure != ReverseFailure.NOT_SRS) {
        reverse.put(label(failure), reverseCounter(registry, label(failure)));
      }
    }
  }

  private static Counter reverseCounter(MeterRegistry registry, String result) {
    return Counter.builder("postwarden.srs.reverse")
        .description("Recipients at our SRS domain, by result")
        .tag("result", result)
        .register(registry);
  }

  void forward(Forward result) {
    forward.get(result).increment();
  }

  void reversed() {
    reverse.get(REVERSED).increment();
  }

  void refused(ReverseFailure failure) {
    reverse.get(label(failure)).increment();
  }

  private static String label(ReverseFailure failure) {
    return failure.name().toLowerCase(Locale.ROOT);
  }
}
