package io.postwarden.deploy.doctor;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * Forwarded mail leaves with an SRS0=...@srs-domain sender, so receivers check SPF against the SRS domain: it needs
 * an SPF record that lets this server send. A heuristic: ip4/ip6, a and mx are evaluated in order against this
 * server's addresses; include, exists, ptr and redirect are not followed.
 */
final class SrsSpfCheck implements Check {

  private static final String TOPIC = "dns";
  private static final int MAX_LOOKUPS = 10;

  private final String domain;
  private final Dns dns;
  private final ThisHost host;
  private final Map<String, List<InetAddress>> resolved = new HashMap<>();
  private int lookups;

  SrsSpfCheck(String domain, Dns dns, ThisHost host) {
    this.domain = domain;
    this.dns = dns;
    this.host = host;
  }

  /** How the record treats one address: first matching term wins, as in SPF. */
  private record Outcome(Spf.Term term, boolean decided) {}

  @Override
  public List<Finding> run() {
    String suggestion = "\"v=spf1 mx -all\" if this server sends from its MX address, otherwise ip4:ADDRESS";
    Dns.Answer answer = dns.query(domain, Type.TXT);
    if (answer instanceof Dns.Failed failed) {
      return List.of(Finding.warn(TOPIC, "cannot look up the SPF record of SRS domain " + domain + ": "
          + failed.reason() + ". Try again, or ask a resolver that answers with --dns-server"));
    }
    List<String> records = new ArrayList<>();
    if (answer instanceof Dns.Found found) {
      for (Record record : found.records()) {
        String text = String.join("", ((TXTRecord) record).getStrings());
        if (Spf.isSpf(text)) {
          records.add(text);
        }
      }
    }
    if (records.isEmpty()) {
      return List.of(Finding.warn(TOPIC, "SRS domain " + domain + " has no SPF record: mail forwarded with SRS "
          + "senders gets no SPF pass at receivers and is more likely filed as spam. Add: " + domain
          + ". IN TXT " + suggestion));
    }
    if (records.size() > 1) {
      return List.of(Finding.warn(TOPIC, "SRS domain " + domain + " has " + records.size() + " SPF records "
          + records + ": receivers treat that as a permanent error (no SPF pass). Merge them into one"));
    }
    String record = records.get(0);
    if (host.addresses().isEmpty()) {
      return List.of(Finding.warn(TOPIC, "cannot tell whether SPF of " + domain + " (\"" + record + "\") lets "
          + "this server send: it has no public address to compare (give --address)"));
    }
    List<Spf.Term> terms = Spf.parse(record);
    List<String> passedBy = new ArrayList<>();
    List<String> unknownAt = new ArrayList<>();
    boolean passAll = false;
    for (InetAddress address : host.addresses()) {
      Outcome outcome = evaluate(address, terms);
      if (outcome == null) {
        continue;
      }
      if (!outcome.decided()) {
        unknownAt.add(outcome.term().text());
      } else if (outcome.term().passes()) {
        if (outcome.term().name().equals("all")) {
          passAll = true;
        } else {
          passedBy.add(address.getHostAddress() + " by " + outcome.term().text());
        }
      }
    }
    if (!passedBy.isEmpty()) {
      return List.of(Finding.ok(TOPIC, "SPF of SRS domain " + domain + " (\"" + record + "\") lets this server "
          + "send: " + String.join(", ", passedBy)));
    }
    if (passAll) {
      return List.of(Finding.warn(TOPIC, "SPF of SRS domain " + domain + " (\"" + record + "\") lets every host "
          + "send (+all), which receivers distrust. Use " + suggestion));
    }
    if (!unknownAt.isEmpty()) {
      return List.of(Finding.warn(TOPIC, "could not confirm that SPF of SRS domain " + domain + " (\"" + record
          + "\") lets this server send: it depends on " + String.join(", ", unknownAt.stream().distinct().toList())
          + ", which doctor does not follow. Make sure it covers this server (" + host.describe() + ")"));
    }
    return List.of(Finding.warn(TOPIC, "SPF of SRS domain " + domain + " (\"" + record + "\") does not seem to "
        + "let this server send (" + host.describe() + "): receivers fail SPF for mail it forwards. Add ip4:/ip6: "
        + "for the address it sends from, or mx if that is its MX address"));
  }

  /**
   * The term that decides for the address; undecided at a term doctor cannot follow; null when none matches. A
   * "+include", "+exists" or "+ptr" can only pass or not match, so evaluation goes on past it: a later term that
   * passes passes either way.
   */
  private Outcome evaluate(InetAddress address, List<Spf.Term> terms) {
    Spf.Term redirect = null;
    Spf.Term skipped = null;
    for (Spf.Term term : terms) {
      if (term.modifier()) {
        if (term.name().equals("redirect")) {
          redirect = term;
        }
        continue;
      }
      switch (term.name()) {
        case "all" -> {
          return decided(term, skipped);
        }
        case "ip4", "ip6" -> {
          InetAddress network = Spf.literal(term.domain(), term.name().equals("ip4"));
          if (network != null && Spf.within(address, network,
              network instanceof java.net.Inet4Address ? term.prefix4() : term.prefix6())) {
            return decided(term, skipped);
          }
        }
        case "a" -> {
          if (matchesAny(address, addresses(term.domain() == null ? domain : term.domain()), term)) {
            return decided(term, skipped);
          }
        }
        case "mx" -> {
          if (matchesAny(address, exchangerAddresses(term.domain() == null ? domain : term.domain()), term)) {
            return decided(term, skipped);
          }
        }
        default -> {
          // include, exists, ptr and anything unknown: not followed
          if (!term.passes()) {
            return new Outcome(term, false);
          }
          skipped = skipped == null ? term : skipped;
        }
      }
    }
    if (skipped != null) {
      return new Outcome(skipped, false);
    }
    return redirect == null ? null : new Outcome(redirect, false);
  }

  /** A match after a skipped "+include" is certain only if it passes (the include could have passed first). */
  private static Outcome decided(Spf.Term term, Spf.Term skipped) {
    return skipped != null && !term.passes() ? new Outcome(skipped, false) : new Outcome(term, true);
  }

  private static boolean matchesAny(InetAddress address, List<InetAddress> candidates, Spf.Term term) {
    for (InetAddress candidate : candidates) {
      int prefix = candidate instanceof java.net.Inet4Address ? term.prefix4() : term.prefix6();
      if (Spf.within(address, candidate, prefix)) {
        return true;
      }
    }
    return false;
  }

  private List<InetAddress> addresses(String name) {
    String key = "a " + name;
    if (!resolved.containsKey(key)) {
      resolved.put(key, ++lookups > MAX_LOOKUPS ? List.of() : dns.addresses(name).addresses());
    }
    return resolved.get(key);
  }

  private List<InetAddress> exchangerAddresses(String name) {
    String key = "mx " + name;
    if (!resolved.containsKey(key)) {
      List<InetAddress> all = new ArrayList<>();
      if (++lookups <= MAX_LOOKUPS && dns.query(name, Type.MX) instanceof Dns.Found found) {
        for (Record record : found.records()) {
          all.addAll(addresses(((MXRecord) record).getTarget().toString(true)));
        }
      }
      resolved.put(key, all);
    }
    return resolved.get(key);
  }
}
