package io.postwarden.srs.spf;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the sender's SPF says about each address, how long that may be remembered (the smallest TTL
 * of the DNS answers it rests on) and whether it may depend on more than the sender's domain (a
 * record with macros, which can name the local part or the HELO name).
 *
 * @param results in the order the addresses were given
 */
public record SpfVerdicts(
    Map<InetAddress, SpfResult> results, Duration ttl, boolean dependsOnMoreThanDomain) {

  public SpfVerdicts {
    results = Collections.unmodifiableMap(new LinkedHashMap<>(results));
  }

  /** Whether every address passes; false for none at all. */
  public boolean allPass() {
    return !results.isEmpty()
        && results.values().stream().allMatch(result -> result == SpfResult.PASS);
  }

  /**
   * The worst result (errors first, then none, neutral, softfail, fail), PASS when all pass: a
   * bounded label.
   */
  public SpfResult deciding() {
    return results.values().stream().max(Enum::compareTo).orElse(SpfResult.NONE);
  }
}
