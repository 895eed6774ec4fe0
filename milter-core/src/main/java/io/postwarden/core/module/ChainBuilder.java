package io.postwarden.core.module;

import io.micrometer.core.instrument.MeterRegistry;
import io.postwarden.core.policy.Policy;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The policy chain of one configuration as the modules build it: each policy in its place, and what
 * one module shares with those built after it (the audit module's client identifier, which the
 * limits count by).
 */
public final class ChainBuilder {

  /** Where a policy runs; within a place, in the order the modules added them. */
  public enum Place {
    /** Refuses before anything is rewritten or counted (the guard). */
    GUARD,
    /** Rewrites and refuses addresses (SRS, From: repair). */
    REWRITE,
    /** Counts what the rewrites let through, so a recipient they refuse is not counted (limits). */
    COUNT,
    /** Records what the others decided (the audit tags). */
    RECORD
  }

  private static final System.Logger LOG = System.getLogger("postwarden");

  private final MeterRegistry registry;
  private final Map<Place, List<Policy>> placed = new EnumMap<>(Place.class);
  private final Map<Class<?>, Object> shared = new HashMap<>();

  /** {@code registry} takes the meters of every policy built. */
  public ChainBuilder(MeterRegistry registry) {
    this.registry = registry;
  }

  public MeterRegistry registry() {
    return registry;
  }

  public void add(Place place, Policy policy) {
    placed.computeIfAbsent(place, unused -> new ArrayList<>()).add(policy);
  }

  /** Offers {@code part} to the modules built after this one. */
  public <T> void share(Class<T> type, T part) {
    shared.put(type, part);
  }

  /**
   * @throws IllegalStateException when no module built earlier shared one: the modules are listed
   *     in the wrong order
   */
  public <T> T shared(Class<T> type) {
    Object part = shared.get(type);
    if (part == null) {
      throw new IllegalStateException(
          "no module built before this one shares a " + type.getSimpleName());
    }
    return type.cast(part);
  }

  /** The chain, in the order its policies run. */
  public List<Policy> policies() {
    List<Policy> policies = new ArrayList<>();
    placed.values().forEach(policies::addAll);
    return List.copyOf(policies);
  }

  /**
   * Closes what the policies added so far hold (the audit log's writer): a module built after them
   * failed, and this chain will never run.
   */
  public void abandon() {
    for (Policy policy : policies()) {
      if (policy instanceof AutoCloseable resource) {
        try {
          resource.close();
        } catch (Exception e) {
          LOG.log(System.Logger.Level.WARNING, "closing " + policy.name() + ": " + e);
        }
      }
    }
  }
}
