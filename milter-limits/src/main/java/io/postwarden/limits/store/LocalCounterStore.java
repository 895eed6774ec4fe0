package io.postwarden.limits.store;

import io.postwarden.limits.key.KeyKind;
import io.postwarden.limits.key.LimitKey;
import io.postwarden.limits.rule.LimitRule;
import io.postwarden.limits.rule.Measure;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Counters in this process: nothing to install. Memory is bounded per key kind ({@code
 * maxKeysPerKind}), so a botnet with a million addresses cannot fill the heap, and it fails safe: a
 * counter that still counts is never dropped to make room (that would hand its budget back). Keys
 * beyond the cap share one overflow budget per kind, which fills quickly, so their mail is deferred
 * or held rather than let through. Counters whose windows have passed are swept to make room, at
 * most once a second.
 */
public final class LocalCounterStore implements CounterStore {

  private static final long SWEEP_EVERY_MILLIS = 1000;

  /** The key that stands for every key of its kind beyond the cap. */
  static final String OVERFLOW = "(overflow)";

  private final Clock clock;
  private final int maxKeysPerKind;
  private final Consumer<KeyKind> overflowed;
  private final Map<KeyKind, Map<String, KeyState>> tables = new EnumMap<>(KeyKind.class);
  private final Map<KeyKind, Long> lastSweep = new EnumMap<>(KeyKind.class);

  /**
   * @param overflowed told each time a key of a kind had to share the overflow budget
   */
  public LocalCounterStore(Clock clock, int maxKeysPerKind, Consumer<KeyKind> overflowed) {
    if (maxKeysPerKind < 1) {
      throw new IllegalArgumentException("maxKeysPerKind must be positive");
    }
    this.clock = clock;
    this.maxKeysPerKind = maxKeysPerKind;
    this.overflowed = overflowed;
    for (KeyKind kind : KeyKind.values()) {
      tables.put(kind, new HashMap<>());
      lastSweep.put(kind, Long.MIN_VALUE / 2); // long ago, without overflowing now - lastSweep
    }
  }

  @Override
  public synchronized Charge charge(List<LimitKey> keys, List<Counter> counters) {
    long now = clock.millis();
    Map<LimitKey, KeyState> states = new HashMap<>();
    for (LimitKey key : keys) {
      states.put(key, state(key, now));
    }
    for (Counter counter : counters) {
      states.computeIfAbsent(counter.key(), key -> state(key, now));
    }
    List<Counter> over = new ArrayList<>();
    for (Counter counter : counters) {
      if (states.get(counter.key()).window(counter.rule()).used(now) + 1 > counter.rule().count()) {
        over.add(counter);
      }
    }
    over.forEach(counter -> startCooldown(states.get(counter.key()), counter.rule(), now));
    Optional<Counter> refusing = over.stream().filter(Counter::refusable).findFirst();
    if (refusing.isPresent()) {
      return new Charge.Refused(refusing.get());
    }
    // two rules over the same window (one deferring, one holding) share its count: the event is one
    // event
    Set<SlidingWindow> charged = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Counter counter : counters) {
      charged.add(states.get(counter.key()).window(counter.rule()));
    }
    charged.forEach(window -> window.add(now, 1));
    Set<LimitKey> cooling = new LinkedHashSet<>();
    states.forEach(
        (key, state) -> {
          if (state.cooldownUntil > now) {
            cooling.add(key);
          }
        });
    return new Charge.Charged(over, keys.stream().filter(cooling::contains).toList());
  }

  @Override
  public synchronized KeyUsage usage(LimitKey key, List<LimitRule> rules) {
    long now = clock.millis();
    KeyState state = tables.get(key.kind()).get(key.name());
    List<KeyUsage.RuleUsage> usage = new ArrayList<>();
    for (LimitRule rule : rules) {
      usage.add(new KeyUsage.RuleUsage(rule, state == null ? 0 : state.window(rule).used(now)));
    }
    Optional<Instant> until =
        state == null || state.cooldownUntil <= now
            ? Optional.empty()
            : Optional.of(Instant.ofEpochMilli(state.cooldownUntil));
    return new KeyUsage(key, usage, until);
  }

  @Override
  public synchronized List<LimitKey> activeKeys(int max) {
    long now = clock.millis();
    List<LimitKey> keys = new ArrayList<>();
    tables.forEach(
        (kind, table) ->
            table.forEach(
                (name, state) -> {
                  if (!state.expired(now)) {
                    keys.add(kind == KeyKind.SERVER ? LimitKey.SERVER : new LimitKey(kind, name));
                  }
                }));
    keys.sort(Comparator.comparing(LimitKey::toString));
    return keys.size() > max ? List.copyOf(keys.subList(0, max)) : keys;
  }

  @Override
  public synchronized boolean reset(LimitKey key) {
    return tables.get(key.kind()).remove(key.name()) != null;
  }

  /** Keys held per kind now, for the metrics. */
  public synchronized int size(KeyKind kind) {
    return tables.get(kind).size();
  }

  /**
   * The counts that still matter now, for the state file: a key whose windows and cool-down passed
   * is left out.
   */
  public synchronized List<SavedKey> snapshot() {
    long now = clock.millis();
    List<SavedKey> saved = new ArrayList<>();
    tables.forEach(
        (kind, table) ->
            table.forEach(
                (name, state) -> {
                  if (!state.expired(now)) {
                    List<SavedKey.SavedWindow> windows = new ArrayList<>();
                    state.windows.forEach(
                        (id, window) ->
                            windows.add(
                                new SavedKey.SavedWindow(
                                    id.measure(),
                                    id.lengthMillis(),
                                    window.index(),
                                    window.previous(),
                                    window.current())));
                    saved.add(new SavedKey(kind, name, state.cooldownUntil, windows));
                  }
                }));
    return saved;
  }

  /**
   * Takes over saved counts (a state file read at start): those whose windows have passed are left
   * out, and so is whatever finds its kind full ({@code limits-max-keys} lowered since). A saved
   * key replaces what the store counted for it.
   *
   * @return how many keys were taken over
   */
  public synchronized int restore(List<SavedKey> saved) {
    long now = clock.millis();
    int restored = 0;
    for (SavedKey key : saved) {
      KeyState state = new KeyState();
      state.cooldownUntil = key.cooldownUntil();
      key.windows()
          .forEach(
              window ->
                  state.windows.put(
                      new WindowId(window.measure(), window.lengthMillis()),
                      new SlidingWindow(
                          window.lengthMillis(),
                          window.index(),
                          window.previous(),
                          window.current())));
      Map<String, KeyState> table = tables.get(key.kind());
      if (!state.expired(now) && (table.size() < maxKeysPerKind || table.containsKey(key.name()))) {
        table.put(key.name(), state);
        restored++;
      }
    }
    return restored;
  }

  @Override
  public boolean answersFromMemory() {
    return true;
  }

  @Override
  public void close() {}

  private KeyState state(LimitKey key, long now) {
    Map<String, KeyState> table = tables.get(key.kind());
    KeyState state = table.get(key.name());
    if (state != null) {
      return state;
    }
    if (table.size() >= maxKeysPerKind) {
      sweep(key.kind(), table, now);
    }
    if (table.size() >= maxKeysPerKind) {
      overflowed.accept(key.kind());
      return table.computeIfAbsent(OVERFLOW, name -> new KeyState());
    }
    state = new KeyState();
    table.put(key.name(), state);
    return state;
  }

  private void sweep(KeyKind kind, Map<String, KeyState> table, long now) {
    if (now - lastSweep.get(kind) < SWEEP_EVERY_MILLIS) {
      return;
    }
    lastSweep.put(kind, now);
    table.values().removeIf(state -> state.expired(now));
  }

  private static void startCooldown(KeyState state, LimitRule rule, long now) {
    if (!rule.cooldown().isZero()) {
      state.cooldownUntil = Math.max(state.cooldownUntil, now + rule.cooldown().toMillis());
    }
  }

  /** One key's windows, by what they count and over how long, and its cool-down. */
  static final class KeyState {
    final Map<WindowId, SlidingWindow> windows = new HashMap<>(4);
    long cooldownUntil;

    SlidingWindow window(LimitRule rule) {
      long length = rule.window().toMillis();
      return windows.computeIfAbsent(
          new WindowId(rule.measure(), length), id -> new SlidingWindow(length));
    }

    boolean expired(long now) {
      return cooldownUntil <= now
          && windows.values().stream().allMatch(window -> window.empty(now));
    }
  }

  record WindowId(Measure measure, long lengthMillis) {}
}
