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
  public enum Forward {
    REWRITTEN,
    SKIPPED,
    ERROR
  }

  /**
   * Bounded label values of {@code postwarden_srs_refusals_total}: why a recipient at our SRS
   * domain was refused. The last four are the codec's {@link ReverseFailure}s under the same names.
   */
  public enum Refusal {
    /** A sender other than the null sender (ADR 0011). */
    NON_NULL_SENDER,
    /** The client presented too many invalid SRS recipients recently (ADR 0012). */
    THROTTLED,
    /**
     * Postfix's {rcpt_addr} and our reading of the RCPT text disagree: tempfailed rather than
     * guessed.
     */
    AMBIGUOUS,
    /**
     * A bounce to a stored long sender while the long-sender store cannot answer: tempfailed (ADR
     * 0023).
     */
    STORE_UNAVAILABLE,
    MALFORMED,
    HASH_TOO_SHORT,
    BAD_HASH,
    EXPIRED;

    static Refusal of(ReverseFailure failure) {
      return valueOf(failure.name());
    }

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  static final String REVERSED = "reversed";

  private final Map<Forward, Counter> forward = new EnumMap<>(Forward.class);
  private final Map<String, Counter> reverse = new HashMap<>();
  private final Map<Refusal, Counter> refusals = new EnumMap<>(Refusal.class);

  public SrsMetrics(MeterRegistry registry) {
    for (Refusal reason : Refusal.values()) {
      refusals.put(
          reason,
          Counter.builder("postwarden.srs.refusals")
              .description("Recipients at our SRS domain refused at RCPT, by reason")
              .tag("reason", reason.label())
              .register(registry));
    }
    for (Forward result : Forward.values()) {
      forward.put(
          result,
          Counter.builder("postwarden.srs.forward")
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

  /** The codec's verdict on a recipient at our SRS domain. */
  void reverseFailed(ReverseFailure failure) {
    reverse.get(label(failure)).increment();
  }

  void refused(Refusal reason) {
    refusals.get(reason).increment();
  }

  private static String label(ReverseFailure failure) {
    return failure.name().toLowerCase(Locale.ROOT);
  }
}
