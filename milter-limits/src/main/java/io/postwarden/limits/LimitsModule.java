package io.postwarden.limits;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.postwarden.audit.identity.ClientIdentifier;
import io.postwarden.core.config.Config;
import io.postwarden.core.config.ConfigSchema;
import io.postwarden.core.config.WatchedFile;
import io.postwarden.core.module.ChainBuilder;
import io.postwarden.core.module.PolicyModule;
import io.postwarden.core.redis.RedisUri;
import io.postwarden.limits.control.ControlSocket;
import io.postwarden.limits.control.LimitsControl;
import io.postwarden.limits.key.KeyKind;
import io.postwarden.limits.redis.RedisCounterStore;
import io.postwarden.limits.rule.LimitsFile;
import io.postwarden.limits.rule.RuleTable;
import io.postwarden.limits.state.StateFile;
import io.postwarden.limits.state.StateKeeper;
import io.postwarden.limits.store.CounterStore;
import io.postwarden.limits.store.FailoverCounterStore;
import io.postwarden.limits.store.LocalCounterStore;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Builds the limits policy, and keeps its counters for the daemon's lifetime: a reload builds a new
 * policy on the same store, so a sender's counts survive it; the state file carries them over a
 * restart.
 */
public final class LimitsModule implements PolicyModule {

  private static final Duration CHECK_FILES_EVERY = Duration.ofSeconds(1);
  private static final System.Logger LOG = System.getLogger("postwarden.limits");

  private final Clock clock;
  private final boolean keepState;
  private final Set<MeterRegistry> counting = Collections.newSetFromMap(new IdentityHashMap<>());
  // volatile, not locked: the store calls back into the metrics while it holds its own lock
  private volatile LimitsMetrics metrics;
  private volatile LocalCounterStore store;

  /** What the policy counts with: the local store, or Redis failing over to it. */
  private volatile CounterStore counters;

  private RedisCounterStore shared;
  private List<Object> sharedSettings;
  private volatile Supplier<RuleTable> currentRules;
  private ControlSocket control;
  private StateKeeper state;
  private int storeMaxKeys;

  /**
   * @param keepState whether counts are read from and written to {@code limits-state-file}: the
   *     daemon's module does, a module built for a single configuration (tests) counts afresh and
   *     leaves no file
   */
  public LimitsModule(Clock clock, boolean keepState) {
    this.clock = clock;
    this.keepState = keepState;
  }

  @Override
  public ConfigSchema schema() {
    return LimitsKeys.SCHEMA;
  }

  /** Every limits setting stands on its own. */
  @Override
  public List<String> problems(Config config) {
    return List.of();
  }

  /**
   * The policy for this configuration, when limits are on, where the counting runs. Reads the
   * limits file now (throws when it is unusable); the policy counts by the identifier that the
   * audit module shares.
   */
  @Override
  public synchronized void build(Config config, ChainBuilder chain) throws IOException {
    if (!config.get(LimitsKeys.LIMITS)) {
      return;
    }
    ClientIdentifier identifier = chain.shared(ClientIdentifier.class);
    Supplier<RuleTable> rules = rules(config);
    LimitsMetrics newMetrics = new LimitsMetrics(chain.registry());
    metrics = newMetrics;
    currentRules = rules;
    CounterStore counters = store(config, chain.registry());
    openControlSocket(config);
    chain.add(ChainBuilder.Place.COUNT, new LimitsPolicy(identifier, rules, counters, newMetrics));
  }

  /**
   * Once, at the first configuration with limits on; it answers with whatever store and rules are
   * current. A socket that cannot be opened leaves the limits working without it.
   */
  private void openControlSocket(Config config) {
    String path = config.get(LimitsKeys.CONTROL_SOCKET);
    if (control != null || path.isEmpty()) {
      return;
    }
    try {
      control =
          ControlSocket.open(
              Path.of(path),
              request -> new LimitsControl(counters, () -> currentRules.get()).answer(request));
    } catch (IOException | RuntimeException e) {
      LOG.log(
          Level.WARNING,
          "limits status and reset are unavailable: cannot open " + path + ": " + e.getMessage());
    }
  }

  private CounterStore store(Config config, MeterRegistry registry) throws IOException {
    int maxKeys = config.get(LimitsKeys.MAX_KEYS);
    if (store == null) {
      store = new LocalCounterStore(clock, maxKeys, kind -> metrics.overflowed(kind));
      storeMaxKeys = maxKeys;
      keepState(config);
    } else if (storeMaxKeys != maxKeys) {
      // a new cap takes a new store, which takes over the counts that fit
      LocalCounterStore resized =
          new LocalCounterStore(clock, maxKeys, kind -> metrics.overflowed(kind));
      resized.restore(store.snapshot());
      store = resized;
      storeMaxKeys = maxKeys;
    }
    if (counting.add(registry)) { // once per registry: a gauge registered again logs a warning
      for (KeyKind kind : KeyKind.values()) {
        Gauge.builder("postwarden.limits.keys", this, module -> module.keys(kind))
            .description("Keys the in-process limits store holds counts for, by kind")
            .tag("kind", kind.label())
            .register(registry);
      }
    }
    shareCounts(config, registry);
    return counters;
  }

  /**
   * With {@code limits-redis}, once: counts go to Redis, and to the local store when Redis cannot
   * count them (or are refused, as {@code limits-redis-unavailable} says). Its settings are fixed
   * until a restart.
   */
  private void shareCounts(Config config, MeterRegistry registry) throws IOException {
    List<Object> settings =
        List.of(
            config.get(LimitsKeys.REDIS),
            config.get(LimitsKeys.REDIS_USER),
            config.get(LimitsKeys.REDIS_PASSWORD_FILE),
            config.get(LimitsKeys.REDIS_TIMEOUT),
            config.get(LimitsKeys.REDIS_PREFIX),
            config.get(LimitsKeys.REDIS_UNAVAILABLE));
    if (shared != null) {
      if (!settings.equals(sharedSettings)) {
        LOG.log(Level.WARNING, "limits-redis* changed: it takes effect after a restart");
      }
      return;
    }
    String uri = config.get(LimitsKeys.REDIS);
    if (uri.isEmpty()) {
      counters = store;
      return;
    }
    shared =
        new RedisCounterStore(
            RedisUri.of(
                uri,
                config.get(LimitsKeys.REDIS_USER),
                config.get(LimitsKeys.REDIS_PASSWORD_FILE),
                LimitsKeys.REDIS.name()),
            config.get(LimitsKeys.REDIS_PREFIX),
            config.get(LimitsKeys.REDIS_TIMEOUT),
            clock);
    sharedSettings = settings;
    counters =
        new FailoverCounterStore(
            shared,
            () -> store,
            config.get(LimitsKeys.REDIS_UNAVAILABLE),
            outcome -> metrics.redisUnavailable(outcome));
    RedisCounterStore answering = shared;
    Gauge.builder(
            "postwarden.limits.redis.answering", answering, redis -> redis.answering() ? 1 : 0)
        .description(
            "1 while Redis answers the limits' calls, 0 while it is down, unreachable or too slow")
        .register(registry);
  }

  /**
   * Once, with the first store: restores it from the state file and keeps writing whichever store
   * is current.
   */
  private void keepState(Config config) {
    String path = config.get(LimitsKeys.STATE_FILE);
    if (!keepState || path.isEmpty()) {
      return;
    }
    state =
        StateKeeper.start(
            new StateFile(Path.of(path)),
            store,
            storeMaxKeys,
            () -> store,
            config.get(LimitsKeys.STATE_INTERVAL),
            clock,
            problem -> metrics.stateProblem(problem));
  }

  private double keys(KeyKind kind) {
    LocalCounterStore current = store;
    return current == null ? 0 : current.size(kind);
  }

  private Supplier<RuleTable> rules(Config config) throws IOException {
    RuleTable defaults = new RuleTable(LimitsKeys.defaults(config), Map.of());
    String file = config.get(LimitsKeys.LIMITS_FILE);
    if (file.isEmpty()) {
      return () -> defaults;
    }
    WatchedFile<RuleTable> watched =
        WatchedFile.open(
            Path.of(file),
            path -> defaults.withOverrides(LimitsFile.read(path)),
            CHECK_FILES_EVERY,
            clock);
    return watched::get;
  }

  @Override
  public synchronized void close() {
    if (control != null) {
      control.close();
    }
    if (state != null) {
      state.close();
    }
    if (store != null) {
      store.close();
    }
    if (shared != null) {
      shared.close();
    }
  }
}
