package io.postwarden.audit.guard;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.postwarden.audit.identity.ClientKind;
import java.util.EnumMap;
import java.util.Map;

/**
 * {@code postwarden.guard.decisions{decision, client}}: each guard decision, or with the guard off
 * each observation, by how the client reached Postfix. Every series exists from the start, so a
 * first refusal shows as an increase.
 */
public final class GuardMetrics {

  private final Map<GuardDecision, Map<ClientKind, Counter>> decisions =
      new EnumMap<>(GuardDecision.class);

  public GuardMetrics(MeterRegistry registry) {
    for (GuardDecision decision : GuardDecision.values()) {
      Map<ClientKind, Counter> byClient = new EnumMap<>(ClientKind.class);
      for (ClientKind client : ClientKind.values()) {
        byClient.put(
            client,
            Counter.builder("postwarden.guard.decisions")
                .description(
                    "Local-submission guard decisions at MAIL FROM (with the guard off: what it would have "
                        + "decided, per accepted message), by how the client reached Postfix")
                .tag("decision", decision.label())
                .tag("client", client.label())
                .register(registry));
      }
      decisions.put(decision, byClient);
    }
  }

  void count(GuardDecision decision, ClientKind client) {
    decisions.get(decision).get(client).increment();
  }
}
