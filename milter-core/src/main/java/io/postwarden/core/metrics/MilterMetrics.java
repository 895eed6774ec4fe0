package io.postwarden.core.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.postwarden.core.policy.MailOrigin;
import io.postwarden.core.policy.Stage;
import io.postwarden.core.policy.Verdict;
import io.postwarden.core.protocol.ProtocolException;
import io.postwarden.core.session.ConnectionDrop;
import io.postwarden.core.session.Evaluation;
import io.postwarden.core.session.Fault;
import io.postwarden.core.session.SessionObserver;
import io.postwarden.core.session.TransactionRecord;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The core's meters. Every label value comes from a closed set (stage, verdict, outcome, fault,
 * policy name), never an address, user or host, so the series count stays bounded. All series exist
 * from start-up at zero, so rates and alerts work before the first event.
 */
public final class MilterMetrics implements SessionObserver {

  /** Stages whose policy callbacks are timed. */
  private static final List<Stage> DECIDING =
      List.of(Stage.CONNECT, Stage.HELO, Stage.MAIL, Stage.RCPT, Stage.END_OF_MESSAGE);

  private final AtomicInteger activeSessions = new AtomicInteger();
  private final Counter sessions;
  private final Map<Stage, Timer> stageDurations = new EnumMap<>(Stage.class);
  private final Map<String, Counter> verdicts = new ConcurrentHashMap<>();
  private final MeterRegistry registry;
  private final Map<TransactionRecord.Outcome, Counter> transactions =
      new EnumMap<>(TransactionRecord.Outcome.class);
  private final Map<String, Counter> errors = new HashMap<>();
  private final Map<String, Counter> drops = new HashMap<>();

  /**
   * @param policyNames the active policies, so each one's verdict series exists from the start
   */
  public MilterMetrics(MeterRegistry registry, List<String> policyNames) {
    this.registry = registry;
    registry.gauge("postwarden.sessions.active", activeSessions);
    sessions =
        Counter.builder("postwarden.sessions")
            .description("Milter sessions opened")
            .register(registry);
    for (Stage stage : DECIDING) {
      stageDurations.put(
          stage,
          Timer.builder("postwarden.stage.duration")
              .description("Time the policies took to decide, per stage")
              .tag("stage", label(stage))
              .publishPercentileHistogram()
              .register(registry));
      for (Verdict verdict : Verdict.values()) {
        for (String policy : withNone(policyNames)) {
          verdictCounter(stage, verdict, policy);
        }
      }
    }
    for (TransactionRecord.Outcome outcome : TransactionRecord.Outcome.values()) {
      transactions.put(
          outcome,
          Counter.builder("postwarden.transactions")
              .description("Mail transactions by how they ended")
              .tag("outcome", outcome.label())
              .register(registry));
    }
    for (Fault fault : Fault.values()) {
      errors.put(fault.label(), errorCounter(registry, fault.label()));
    }
    for (ProtocolException.Kind kind : ProtocolException.Kind.values()) {
      errors.put(protocolLabel(kind), errorCounter(registry, protocolLabel(kind)));
    }
    for (MailOrigin listener : MailOrigin.values()) {
      for (ConnectionDrop reason : ConnectionDrop.values()) {
        drops.put(
            dropKey(listener, reason),
            Counter.builder(
                    reason.atAccept()
                        ? "postwarden.connections.refused"
                        : "postwarden.connections.closed")
                .description(
                    reason.atAccept()
                        ? "Milter connections refused at accept, by listener kind and limit"
                        : "Milter connections cut off for breaking a deadline or limit, by listener kind and reason")
                .tag("listener", label(listener))
                .tag("reason", reason.label())
                .register(registry));
      }
    }
  }

  /** Policies added by a reload get their series on first use. */
  private Counter verdictCounter(Stage stage, Verdict verdict, String policy) {
    return verdicts.computeIfAbsent(
        verdictKey(stage, verdict, policy),
        key ->
            Counter.builder("postwarden.verdicts")
                .description(
                    "Merged policy verdicts per stage; policy is the one that refused, none otherwise")
                .tag("stage", label(stage))
                .tag("verdict", label(verdict))
                .tag("policy", policy)
                .register(registry));
  }

  private static Counter errorCounter(MeterRegistry registry, String kind) {
    return Counter.builder("postwarden.errors")
        .description("Faults that made Postwarden tempfail or close a session")
        .tag("kind", kind)
        .register(registry);
  }

  @Override
  public void sessionOpened() {
    activeSessions.incrementAndGet();
    sessions.increment();
  }

  @Override
  public void sessionClosed() {
    activeSessions.decrementAndGet();
  }

  @Override
  public void stageEvaluated(Stage stage, Evaluation evaluation, long nanos) {
    Timer timer = stageDurations.get(stage);
    if (timer != null) {
      timer.record(nanos, TimeUnit.NANOSECONDS);
    }
    String policy = evaluation.decidedBy() == null ? "none" : evaluation.decidedBy();
    if (stageDurations.containsKey(stage)) {
      verdictCounter(stage, evaluation.decision().verdict(), policy).increment();
    }
    if (evaluation.error() != null) {
      errors.get(evaluation.error().label()).increment();
    }
  }

  @Override
  public void transactionEnded(TransactionRecord record) {
    transactions.get(record.outcome()).increment();
  }

  @Override
  public void protocolError(ProtocolException.Kind kind, String detail) {
    errors.get(protocolLabel(kind)).increment();
  }

  @Override
  public void connectionDropped(MailOrigin listener, ConnectionDrop reason) {
    drops.get(dropKey(listener, reason)).increment();
  }

  private static String dropKey(MailOrigin listener, ConnectionDrop reason) {
    return listener + "/" + reason;
  }

  private static List<String> withNone(List<String> policyNames) {
    return java.util.stream.Stream.concat(java.util.stream.Stream.of("none"), policyNames.stream())
        .toList();
  }

  private static String verdictKey(Stage stage, Verdict verdict, String policy) {
    return stage + "/" + verdict + "/" + policy;
  }

  private static String protocolLabel(ProtocolException.Kind kind) {
    return "protocol_" + kind.name().toLowerCase(Locale.ROOT);
  }

  private static String label(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT);
  }
}
