package io.postwarden.core.session;

import io.postwarden.core.policy.Decision;
import io.postwarden.core.policy.Modification;
import io.postwarden.core.policy.Policy;
import io.postwarden.core.policy.Stage;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The active policies in their configured order, and the rule that merges their answers: the first
 * refusal wins and stops the chain; modifications are collected in policy order. A policy that
 * throws, or that returns modifications before end of message, turns the stage into a tempfail: a
 * fault never accepts blindly.
 *
 * <p>A chain is shared by the sessions that started under it. After a reload replaces it, it is
 * retired and its policies' resources (the audit log) are closed once its last session has ended.
 */
public final class PolicyChain {

  private static final System.Logger LOG = System.getLogger(PolicyChain.class.getName());

  private final List<Policy> policies;

  /**
   * Who wants each stage, in order: asked once, as a policy's stages() may build a new set per
   * call.
   */
  private final Map<Stage, List<Policy>> byStage = new EnumMap<>(Stage.class);

  private final Set<Stage> stages = EnumSet.noneOf(Stage.class);
  private final Set<Modification.Capability> capabilities =
      EnumSet.noneOf(Modification.Capability.class);
  private int sessions;
  private boolean retired;
  private boolean closed;

  public PolicyChain(List<Policy> policies) {
    this.policies = List.copyOf(policies);
    for (Policy policy : this.policies) {
      Set<Stage> wanted = policy.stages();
      stages.addAll(wanted);
      wanted.forEach(stage -> byStage.computeIfAbsent(stage, s -> new ArrayList<>()).add(policy));
      capabilities.addAll(policy.capabilities());
    }
  }

  public Set<Stage> stages() {
    return stages;
  }

  public Set<Modification.Capability> capabilities() {
    return capabilities;
  }

  public List<Policy> policies() {
    return policies;
  }

  /**
   * Registers a session; false once the chain is closed (the caller takes the current chain
   * instead).
   */
  public synchronized boolean tryAcquire() {
    if (closed) {
      return false;
    }
    sessions++;
    return true;
  }

  public synchronized void release() {
    sessions--;
    closeWhenUnused();
  }

  /** No new sessions will use this chain; its policies close when the last one ends. */
  public synchronized void retire() {
    retired = true;
    closeWhenUnused();
  }

  private void closeWhenUnused() {
    if (!retired || sessions > 0 || closed) {
      return;
    }
    closed = true;
    for (Policy policy : policies) {
      if (policy instanceof AutoCloseable resource) {
        try {
          resource.close();
        } catch (Exception e) {
          LOG.log(Level.ERROR, "closing policy " + policy.name() + " failed", e);
        }
      }
    }
  }

  boolean wants(Stage stage) {
    return stages.contains(stage);
  }

  /**
   * Whether any policy that wants {@code stage} may block at it ({@code blocks} asks one of the two
   * {@code mayBlock}s). One that fails to answer is taken to block.
   */
  boolean mayBlock(Stage stage, Predicate<Policy> blocks) {
    for (Policy policy : byStage.getOrDefault(stage, List.of())) {
      try {
        if (blocks.test(policy)) {
          return true;
        }
      } catch (RuntimeException e) {
        LOG.log(
            Level.ERROR,
            "policy " + policy.name() + " failed to tell whether it blocks at " + stage,
            e);
        return true;
      }
    }
    return false;
  }

  Evaluation evaluate(Stage stage, Function<Policy, Decision> callback) {
    List<Modification> modifications = new ArrayList<>();
    for (Policy policy : byStage.getOrDefault(stage, List.of())) {
      Decision decision;
      try {
        decision = callback.apply(policy);
      } catch (RuntimeException | LinkageError | AssertionError e) {
        LOG.log(Level.ERROR, "policy " + policy.name() + " failed at " + stage, e);
        return Evaluation.failure(Fault.POLICY_EXCEPTION, policy.name());
      }
      if (decision == null) {
        LOG.log(Level.ERROR, "policy " + policy.name() + " returned no decision at " + stage);
        return Evaluation.failure(Fault.POLICY_EXCEPTION, policy.name());
      }
      if (stage != Stage.END_OF_MESSAGE && !decision.modifications().isEmpty()) {
        LOG.log(
            Level.ERROR,
            "policy "
                + policy.name()
                + " returned modifications at "
                + stage
                + "; Postfix accepts them only at end of message");
        return Evaluation.failure(Fault.MODIFICATION_OUTSIDE_EOM, policy.name());
      }
      if (decision.verdict().refuses()) {
        return Evaluation.of(decision, policy.name());
      }
      modifications.addAll(decision.modifications());
    }
    return Evaluation.of(
        modifications.isEmpty() ? Decision.CONTINUE : Decision.modify(modifications), null);
  }
}
