package io.postwarden.srs.lazy;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.postwarden.srs.spf.SpfEvaluator;
import io.postwarden.srs.spf.SpfResult;
import io.postwarden.srs.spf.SpfVerdicts;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Lazy SRS (docs/decisions/0025): a forwarded message keeps its sender when the sender domain's SPF
 * already passes every address this server sends from, since the next hop's SPF check then passes
 * without SRS. Anything short of {@code pass} for every address (fail, softfail, neutral, none,
 * permerror, a DNS failure or timeout) means rewrite. Outcomes are remembered for the smallest TTL
 * of the DNS answers they rest on, at most {@link #MAX_TTL}; a DNS failure for {@link
 * #FAILURE_TTL}, so an unreachable resolver costs one timeout a minute per domain, not one per
 * message. Asks DNS on the calling thread: call it from a policy worker, never an event loop.
 * Thread-safe.
 */
public final class LazySrs {

  static final Duration MAX_TTL = Duration.ofHours(1);
  static final Duration FAILURE_TTL = Duration.ofMinutes(1);

  private static final System.Logger LOG = System.getLogger("postwarden.srs");

  private final SpfEvaluator spf;
  private final List<InetAddress> outbound;
  private final SpfCache cache;
  private final Counter skipped;
  private final Map<SpfResult, Counter> checked = new EnumMap<>(SpfResult.class);

  /**
   * @param outbound the addresses this server's mail leaves from; not empty
   */
  public LazySrs(
      SpfEvaluator spf,
      List<InetAddress> outbound,
      int cacheSize,
      Clock clock,
      MeterRegistry registry) {
    if (outbound.isEmpty()) {
      throw new IllegalArgumentException("lazy SRS needs the outbound addresses");
    }
    this.spf = spf;
    this.outbound = List.copyOf(outbound);
    this.cache = new SpfCache(cacheSize, clock);
    this.skipped =
        Counter.builder("postwarden.srs.lazy.skipped")
            .description(
                "Forwarded messages that kept their sender because its SPF passes this server (srs-lazy)")
            .register(registry);
    for (SpfResult result : SpfResult.values()) {
      checked.put(
          result,
          Counter.builder("postwarden.srs.lazy.spf")
              .description(
                  "SPF checks of sender domains for srs-lazy (cache misses), by the worst result over the "
                      + "outbound addresses; temperror: DNS failed or timed out")
              .tag("result", result.label())
              .register(registry));
    }
  }

  /**
   * Whether {@code sender} may keep its address: its SPF passes for every outbound address. Counts
   * a skip.
   */
  public boolean senderMayKeepItsAddress(String sender, String queueId) {
    boolean passes = passes(sender);
    if (passes) {
      skipped.increment();
      LOG.log(
          System.Logger.Level.INFO,
          "queue_id="
              + queueId
              + " srs keeps <"
              + sender
              + ">: its SPF passes "
              + "this server (srs-lazy)");
    }
    return passes;
  }

  private boolean passes(String sender) {
    String domainKey = "@" + domainOf(sender).toLowerCase(Locale.ROOT);
    Optional<Boolean> known = cache.get(domainKey).or(() -> cache.get(sender));
    if (known.isPresent()) {
      return known.get();
    }
    SpfVerdicts verdicts = spf.evaluate(sender, outbound);
    SpfResult worst = verdicts.deciding();
    checked.get(worst).increment();
    boolean passes = verdicts.allPass();
    Duration ttl = worst == SpfResult.TEMPERROR ? FAILURE_TTL : min(verdicts.ttl(), MAX_TTL);
    // a record with macros may answer differently for another local part: remember it for this
    // sender only
    cache.put(verdicts.dependsOnMoreThanDomain() ? sender : domainKey, passes, ttl);
    return passes;
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private static String domainOf(String address) {
    return address.substring(address.lastIndexOf('@') + 1);
  }
}
