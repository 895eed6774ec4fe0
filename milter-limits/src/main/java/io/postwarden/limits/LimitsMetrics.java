package io.postwarden.limits;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.postwarden.limits.key.KeyKind;
import io.postwarden.limits.rule.Action;
import io.postwarden.limits.state.StateFile;
import io.postwarden.limits.store.FailoverCounterStore.WhenUnavailable;
import java.util.EnumMap;
import java.util.Map;

/**
 * {@code postwarden.limits.hits{kind, action}}: MAIL FROM or RCPT TO commands over a limit,
 * deferred (451) or marking their message for hold; {@code postwarden.limits.held{kind}}: messages
 * put in the hold queue; {@code postwarden.limits.overflow{kind}}: keys that found the store full
 * and shared its overflow budget; {@code postwarden.limits.state.problems{problem}}: state files
 * refused and state writes failed; {@code postwarden.limits.redis.unavailable{outcome}}: events
 * Redis could not count. Labels are key kinds, never a user's name or an address. Every series
 * exists from the start, so a first hit shows as an increase.
 */
public final class LimitsMetrics {

  private final Map<KeyKind, Map<Action, Counter>> hits = new EnumMap<>(KeyKind.class);
  private final Map<KeyKind, Counter> held = new EnumMap<>(KeyKind.class);
  private final Map<KeyKind, Counter> overflow = new EnumMap<>(KeyKind.class);
  private final Map<StateFile.Problem, Counter> stateProblems =
      new EnumMap<>(StateFile.Problem.class);
  private final Map<WhenUnavailable, Counter> redisUnavailable =
      new EnumMap<>(WhenUnavailable.class);

  public LimitsMetrics(MeterRegistry registry) {
    for (KeyKind kind : KeyKind.values()) {
      Map<Action, Counter> byAction = new EnumMap<>(Action.class);
      for (Action action : Action.values()) {
        byAction.put(
            action,
            Counter.builder("postwarden.limits.hits")
                .description(
                    "MAIL FROM and RCPT TO commands over a sending limit: deferred with 451 (defer), or "
                        + "marking their message for the hold queue (hold), by the kind of key whose limit it was")
                .tag("kind", kind.label())
                .tag("action", action.label())
                .register(registry));
      }
      hits.put(kind, byAction);
      held.put(
          kind,
          Counter.builder("postwarden.limits.held")
              .description(
                  "Messages put in Postfix's hold queue by a sending limit or cool-down, by key kind")
              .tag("kind", kind.label())
              .register(registry));
      overflow.put(
          kind,
          Counter.builder("postwarden.limits.overflow")
              .description(
                  "Keys that found the in-process store full for their kind and shared its overflow budget")
              .tag("kind", kind.label())
              .register(registry));
    }
    for (StateFile.Problem problem : StateFile.Problem.values()) {
      stateProblems.put(
          problem,
          Counter.builder("postwarden.limits.state.problems")
              .description(
                  "State files refused at start (corrupt, not_private, too_large, unreadable: counting started "
                      + "from zero) and writes of it that failed (write_failed)")
              .tag("problem", problem.label())
              .register(registry));
    }
    for (WhenUnavailable outcome : WhenUnavailable.values()) {
      redisUnavailable.put(
          outcome,
          Counter.builder("postwarden.limits.redis.unavailable")
              .description(
                  "MAIL FROM and RCPT TO commands Redis could not count (down, too slow, refused): counted on "
                      + "this server alone (local), or deferred or held (defer), as limits-redis-unavailable says")
              .tag("outcome", outcome.label())
              .register(registry));
    }
  }

  void hit(KeyKind kind, Action action) {
    hits.get(kind).get(action).increment();
  }

  void held(KeyKind kind) {
    held.get(kind).increment();
  }

  public void overflowed(KeyKind kind) {
    overflow.get(kind).increment();
  }

  void stateProblem(StateFile.Problem problem) {
    stateProblems.get(problem).increment();
  }

  void redisUnavailable(WhenUnavailable outcome) {
    redisUnavailable.get(outcome).increment();
  }
}
