package io.postwarden.srs.spf;

import java.net.InetAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.james.jspf.executor.SynchronousSPFExecutor;
import org.apache.james.jspf.impl.SPF;
import org.xbill.DNS.Resolver;

/**
 * SPF by Apache James jSPF, asking DNS through {@link EvaluationDns}: every question of one
 * evaluation shares one deadline, on the calling thread (never an event loop). jSPF turns a
 * question that fails or runs out of time into {@code temperror}; anything jSPF itself throws
 * counts as {@code temperror} too. Thread-safe.
 */
public final class DnsSpfEvaluator implements SpfEvaluator {

  private static final System.Logger LOG = System.getLogger("postwarden.srs.spf");

  private final Resolver resolver;
  private final Duration budget;
  private final String heloName;

  /**
   * @param budget the most one evaluation may take, all DNS questions together
   * @param heloName the HELO name the receivers see, for the {@code %{h}} macro
   */
  public DnsSpfEvaluator(Resolver resolver, Duration budget, String heloName) {
    this.resolver = resolver;
    this.budget = budget;
    this.heloName = heloName;
  }

  @Override
  public SpfVerdicts evaluate(String sender, List<InetAddress> clients) {
    EvaluationDns dns = new EvaluationDns(resolver, budget);
    SPF spf = new SPF(dns, new SynchronousSPFExecutor(dns));
    Map<InetAddress, SpfResult> results = new LinkedHashMap<>();
    for (InetAddress client : clients) {
      SpfResult result;
      try {
        result = SpfResult.of(spf.checkSPF(client.getHostAddress(), sender, heloName).getResult());
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "SPF check of <" + sender + "> failed: " + e);
        result = SpfResult.TEMPERROR;
      }
      results.put(client, result);
    }
    if (dns.failure() != null) {
      LOG.log(System.Logger.Level.DEBUG, "SPF of <" + sender + ">: " + dns.failure());
    }
    return new SpfVerdicts(results, dns.ttl(), dns.sawMacros());
  }
}
