package io.postwarden.deploy.doctor;

import io.postwarden.srs.spf.DnsSpfEvaluator;
import io.postwarden.srs.spf.SpfResult;
import io.postwarden.srs.spf.SpfVerdicts;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.xbill.DNS.Record;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * Forwarded mail leaves with an SRS0=...@srs-domain sender, so receivers check SPF against the SRS
 * domain: it needs an SPF record that lets this server send. Evaluated by the SPF library lazy SRS
 * uses (jSPF, includes, redirects and macros followed) for each of this server's addresses; the
 * record's text is fetched only to show it.
 */
final class SrsSpfCheck implements Check {

  private static final String TOPIC = "dns";
  private static final Duration BUDGET = Duration.ofSeconds(5);

  /**
   * Reserved (240.0.0.0/4, "future use"): no record lists it, so only a record that lets every host
   * send passes it.
   */
  private static final InetAddress NOBODY = nobody();

  private final String domain;
  private final Dns dns;
  private final ThisHost host;

  SrsSpfCheck(String domain, Dns dns, ThisHost host) {
    this.domain = domain;
    this.dns = dns;
    this.host = host;
  }

  private static InetAddress nobody() {
    try {
      return InetAddress.getByAddress(new byte[] {(byte) 240, 0, 0, 1});
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public List<Finding> run() {
    String suggestion =
        "\"v=spf1 mx -all\" if this server sends from its MX address, otherwise ip4:ADDRESS";
    Dns.Answer answer = dns.query(domain, Type.TXT);
    if (answer instanceof Dns.Failed failed) {
      return List.of(
          Finding.warn(
              TOPIC,
              "cannot look up the SPF record of SRS domain "
                  + domain
                  + ": "
                  + failed.reason()
                  + ". Try again, or ask a resolver that answers with --dns-server"));
    }
    List<String> records = spfRecords(answer);
    if (records.isEmpty()) {
      return List.of(
          Finding.warn(
              TOPIC,
              "SRS domain "
                  + domain
                  + " has no SPF record: mail forwarded with SRS "
                  + "senders gets no SPF pass at receivers and is more likely filed as spam. Add: "
                  + domain
                  + ". IN TXT "
                  + suggestion));
    }
    if (records.size() > 1) {
      return List.of(
          Finding.warn(
              TOPIC,
              "SRS domain "
                  + domain
                  + " has "
                  + records.size()
                  + " SPF records "
                  + records
                  + ": receivers treat that as a permanent error (no SPF pass). Merge them into one"));
    }
    String record = "SPF of SRS domain " + domain + " (\"" + records.get(0) + "\")";
    if (host.addresses().isEmpty()) {
      return List.of(
          Finding.warn(
              TOPIC,
              "cannot tell whether "
                  + record
                  + " lets this server send: it has no "
                  + "public address to compare (give --address)"));
    }
    List<InetAddress> compared = new ArrayList<>(host.addresses());
    compared.add(NOBODY);
    SpfVerdicts verdicts =
        new DnsSpfEvaluator(dns.resolver(), BUDGET, host.myhostname().orElse(domain))
            .evaluate("postmaster@" + domain, compared);
    Map<InetAddress, SpfResult> results = verdicts.results();
    List<String> passing =
        host.addresses().stream()
            .filter(a -> results.get(a) == SpfResult.PASS)
            .map(InetAddress::getHostAddress)
            .toList();
    String outcomes =
        String.join(
            ", ",
            host.addresses().stream()
                .map(a -> a.getHostAddress() + " " + results.get(a).label())
                .toList());
    if (results.values().contains(SpfResult.TEMPERROR)) {
      return List.of(
          Finding.warn(
              TOPIC,
              "could not evaluate "
                  + record
                  + ": a DNS lookup it needs failed ("
                  + outcomes
                  + "). Try again, or ask a resolver that answers with --dns-server"));
    }
    if (passing.isEmpty() && results.values().contains(SpfResult.PERMERROR)) {
      return List.of(
          Finding.warn(
              TOPIC,
              record
                  + " has a permanent error (a syntax error, an include without a "
                  + "record, or more than 10 lookups): receivers give no SPF pass. Fix it"));
    }
    if (passing.isEmpty()) {
      return List.of(
          Finding.warn(
              TOPIC,
              record
                  + " does not let this server send ("
                  + outcomes
                  + "; "
                  + host.describe()
                  + "): receivers fail SPF for mail it forwards. Add ip4:/ip6: for the address it sends "
                  + "from, or mx if that is its MX address"));
    }
    if (results.get(NOBODY) == SpfResult.PASS) {
      return List.of(
          Finding.warn(
              TOPIC,
              record
                  + " lets every host send (+all), which receivers distrust. Use "
                  + suggestion));
    }
    return List.of(
        Finding.ok(
            TOPIC, record + " lets this server send: pass for " + String.join(", ", passing)));
  }

  /**
   * The TXT strings that are SPF records ("v=spf1" alone or followed by a space), for display and
   * counting.
   */
  private static List<String> spfRecords(Dns.Answer answer) {
    List<String> records = new ArrayList<>();
    if (answer instanceof Dns.Found found) {
      for (Record txt : found.records()) {
        String text = String.join("", ((TXTRecord) txt).getStrings());
        String lower = text.toLowerCase(Locale.ROOT);
        if (lower.equals("v=spf1") || lower.startsWith("v=spf1 ")) {
          records.add(text);
        }
      }
    }
    return records;
  }
}
