package io.postwarden.core.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.postwarden.core.policy.Stage;
import io.postwarden.core.protocol.ProtocolException;
import io.postwarden.core.session.Evaluation;
import io.postwarden.core.session.SessionObserver;
import io.postwarden.core.session.TransactionRecord;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The core's meters. Every label value comes from a closed set (stage, verdict, outcome, error kind, policy
 * name): never an address, user or host, so the series count stays bounded.
 */
public final class MilterMetrics implements SessionObserver {

  private final MeterRegistry registry;
  private final AtomicInteger activeSessions = new AtomicInteger();
  private final Counter sessions;

  public MilterMetrics(MeterRegistry registry) {
    this.registry = registry;
    registry.gauge("postwarden.sessions.active", activeSessions);
    this.sessions = Counter.builder("postwarden.sessions").description("Milter sessions opened").register(registry);
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
    String stageLabel = stage.name().toLowerCase(Locale.ROOT);
    Timer.builder("postwarden.stage.duration")
        .description("Time the policies took to decide, per stage")
        .tag("stage", stageLabel)
        .publishPercentileHistogram()
        .register(registry)
        .record(nanos, TimeUnit.NANOSECONDS);
    Counter.builder("postwarden.verdicts")
        .description("Merged policy verdicts per stage")
        .tag("stage", stageLabel)
        .tag("verdict", evaluation.decision().verdict().name().toLowerCase(Locale.ROOT))
        .tag("policy", evaluation.decidedBy() == null ? "none" : evaluation.decidedBy())
        .register(registry)
        .increment();
    if (evaluation.error() != null) {
      error(evaluation.error());
    }
  }

  @Override
  public void transactionEnded(TransactionRecord record) {
    Counter.builder("postwarden.transactions")
        .description("Mail transactions by how they ended")
        .tag("outcome", record.outcome().label())
        .register(registry)
        .increment();
  }

  @Override
  public void protocolError(ProtocolException.Kind kind, String detail) {
    error("protocol_" + kind.name().toLowerCase(Locale.ROOT));
  }

  private void error(String kind) {
    Counter.builder("postwarden.errors")
        .description("Faults that made Postwarden tempfail or close a session")
        .tag("kind", kind)
        .register(registry)
        .increment();
  }
}
