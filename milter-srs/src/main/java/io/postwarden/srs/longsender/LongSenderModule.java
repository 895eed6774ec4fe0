package io.postwarden.srs.longsender;

import io.micrometer.core.instrument.MeterRegistry;
import io.postwarden.core.config.Config;
import io.postwarden.core.redis.RedisLink;
import io.postwarden.core.redis.RedisUri;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Keeps the long-sender store for the daemon's lifetime: the milter and the lookup tables, and
 * every configuration a reload brings, share one store, opened on the first long sender (or the
 * first bounce to one) and closed with this module. Its settings are fixed until a restart.
 */
public final class LongSenderModule implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger("postwarden.srs");

  private final Clock clock;
  private List<Object> settings;
  private Store store;

  /** Registries that count the store's entries already: the milter and the tables share them. */
  private final Set<MeterRegistry> counting = Collections.newSetFromMap(new IdentityHashMap<>());

  public LongSenderModule(Clock clock) {
    this.clock = clock;
  }

  /**
   * The long senders as this configuration has them. An existing store file that breaks the rules
   * ({@link #fileProblem}) is refused now, so start-up and a reload refuse it.
   */
  public synchronized LongSenders longSenders(Config config, MeterRegistry registry)
      throws IOException {
    if (config.get(LongSenderKeys.LONG_SENDERS) == LongSenderKeys.Mode.SKIP) {
      return LongSenders.skip();
    }
    List<Object> wanted =
        LongSenderKeys.SCHEMA.keys().stream()
            .filter(key -> key != LongSenderKeys.LONG_SENDERS)
            .map(key -> (Object) config.get(key))
            .toList();
    if (store == null) {
      Optional<String> problem = fileProblem(config);
      if (problem.isPresent()) {
        throw new IOException(problem.get());
      }
      store = new Store(config, clock);
      settings = wanted;
    } else if (!wanted.equals(settings)) {
      LOG.log(Level.WARNING, "srs-store-* changed: it takes effect after a restart");
    }
    Store current = store;
    if (counting.add(registry)) {
      StoreMetrics.countEntries(registry, current::entries);
    }
    return new LongSenders(current, new StoreMetrics(registry), clock);
  }

  /**
   * What start-up would refuse about the store file, for {@code config check}; a missing file is
   * created.
   */
  public static Optional<String> fileProblem(Config config) {
    Path file = config.get(LongSenderKeys.FILE);
    if (config.get(LongSenderKeys.LONG_SENDERS) == LongSenderKeys.Mode.SKIP
        || !config.get(LongSenderKeys.REDIS).isEmpty()
        || !Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      return Optional.empty();
    }
    try {
      PrivateStoreFile.prepare(file);
      return Optional.empty();
    } catch (IOException e) {
      return Optional.of(e.getMessage());
    }
  }

  @Override
  public synchronized void close() {
    if (store != null) {
      store.close();
    }
  }

  /**
   * The configured store, opened on first use; one that cannot be opened (Redis credentials, a
   * damaged file) counts as unavailable and is tried again on the next call.
   */
  private static final class Store implements SenderStore {

    private final Config config;
    private final Clock clock;
    private SenderStore opened;
    private boolean closed;

    Store(Config config, Clock clock) {
      this.config = config;
      this.clock = clock;
    }

    @Override
    public Put put(String key, String sender, Instant expires) {
      return opened().put(key, sender, expires);
    }

    @Override
    public Optional<String> get(String key) {
      return opened().get(key);
    }

    @Override
    public synchronized long entries() {
      return opened == null ? 0 : opened.entries();
    }

    @Override
    public synchronized void close() {
      closed = true;
      if (opened != null) {
        opened.close();
      }
    }

    private synchronized SenderStore opened() {
      if (closed) {
        throw new SenderStoreUnavailableException("the long-sender store is closed", null);
      }
      if (opened == null) {
        try {
          opened = open();
        } catch (IOException e) {
          throw new SenderStoreUnavailableException(e.getMessage(), e);
        }
      }
      return opened;
    }

    private SenderStore open() throws IOException {
      StoreLimits limits =
          new StoreLimits(
              config.get(LongSenderKeys.MAX_NEW_PER_HOUR), config.get(LongSenderKeys.MAX_ENTRIES));
      String redis = config.get(LongSenderKeys.REDIS);
      if (redis.isEmpty()) {
        Path file = config.get(LongSenderKeys.FILE);
        SenderStore sqlite = SqliteSenderStore.open(file, limits, clock);
        LOG.log(Level.INFO, "long senders stored in " + file);
        return sqlite;
      }
      String prefix = config.get(LongSenderKeys.REDIS_PREFIX);
      RedisLink link =
          new RedisLink(
              RedisUri.of(
                  redis,
                  config.get(LongSenderKeys.REDIS_USER),
                  config.get(LongSenderKeys.REDIS_PASSWORD_FILE),
                  LongSenderKeys.REDIS.name()),
              config.get(LongSenderKeys.REDIS_TIMEOUT),
              "long senders are stored under \"" + prefix + "\"",
              LOG);
      return new RedisSenderStore(link, prefix, limits, clock);
    }
  }
}
