package io.postwarden.srs.policy;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;

/** SRS counters by result; every label value is from a closed set. */
public final class SrsMetrics {

  /** Bounded label values of {@code postwarden_srs_forward_total}. */
  public enum Forward { REWRITTEN, SKIPPED, ERROR }

  private final MeterRegistry registry;

  public SrsMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  void forward(Forward result) {
    Counter.builder("postwarden.srs.forward")
        .description("Envelope senders considered for SRS rewriting, by result")
        .tag("result", result.name().toLowerCase(Locale.ROOT))
        .register(registry).increment();
  }

  /** {@code result} is "reversed" or a lower-cased ReverseFailure (bad_hash, expired, hash_too_short, malformed). */
  void reverse(String result) {
    Counter.builder("postwarden.srs.reverse")
        .description("Recipients at our SRS domain, by result")
        .tag("result", result)
        .register(registry).increment();
  }
}
