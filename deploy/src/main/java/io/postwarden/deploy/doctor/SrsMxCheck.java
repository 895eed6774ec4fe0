package io.postwarden.deploy.doctor;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * Bounces to SRS addresses must reach this server, the only one that can decode them: the SRS
 * domain's MX must name this server (one of its addresses, or at least Postfix's myhostname).
 */
final class SrsMxCheck implements Check {

  private static final String TOPIC = "dns";

  private final String domain;
  private final Dns dns;
  private final ThisHost host;

  SrsMxCheck(String domain, Dns dns, ThisHost host) {
    this.domain = domain;
    this.dns = dns;
    this.host = host;
  }

  private record Exchanger(
      String name, int preference, Dns.Addresses addresses, boolean here, boolean named) {

    @Override
    public String toString() {
      return name + " (preference " + preference + ") -> " + addresses;
    }
  }

  @Override
  public List<Finding> run() {
    String add =
        "Add: "
            + domain
            + ". IN MX 10 "
            + host.myhostname().orElse("<this server's host name>")
            + ".";
    Dns.Answer answer = dns.query(domain, Type.MX);
    if (answer instanceof Dns.Failed failed) {
      return List.of(
          Finding.warn(
              TOPIC,
              "cannot look up the MX of SRS domain "
                  + domain
                  + ": "
                  + failed.reason()
                  + ". Try again, or ask a resolver that answers with --dns-server"));
    }
    if (answer instanceof Dns.Missing missing) {
      return List.of(
          Finding.fail(
              TOPIC,
              "SRS domain "
                  + domain
                  + (missing.nameExists() ? " has no MX record" : " does not exist in DNS")
                  + ": bounces to SRS addresses cannot find this server, and the original "
                  + "senders never get them. "
                  + add));
    }
    List<Exchanger> exchangers = new ArrayList<>();
    for (Record record : ((Dns.Found) answer).records()) {
      MXRecord mx = (MXRecord) record;
      String target = mx.getTarget().toString(true);
      if (target.isEmpty() || mx.getTarget().equals(org.xbill.DNS.Name.root)) {
        return List.of(
            Finding.fail(
                TOPIC,
                "SRS domain "
                    + domain
                    + " has a null MX (\""
                    + mx.rdataToString()
                    + "\"): it refuses all mail, so bounces to SRS addresses are lost. Replace it. "
                    + add));
      }
      Dns.Addresses addresses = dns.addresses(target);
      exchangers.add(
          new Exchanger(
              target,
              mx.getPriority(),
              addresses,
              addresses.addresses().stream().anyMatch(host::isMe),
              host.isMyHostname(target)));
    }
    exchangers.sort(Comparator.comparingInt(Exchanger::preference));
    List<Finding> findings = new ArrayList<>();
    List<Exchanger> here = exchangers.stream().filter(Exchanger::here).toList();
    if (!here.isEmpty()) {
      findings.add(
          Finding.ok(TOPIC, "SRS domain " + domain + " MX " + here.get(0) + " is this server"));
      for (Exchanger other : exchangers) {
        if (!other.here()) {
          findings.add(
              Finding.warn(
                  TOPIC,
                  "SRS domain "
                      + domain
                      + " also has MX "
                      + other
                      + ", which is not this "
                      + "server ("
                      + host.describe()
                      + "): it must relay mail for "
                      + domain
                      + " to this server, the only "
                      + "one that can decode SRS addresses. Otherwise remove that MX"));
        }
      }
      return findings;
    }
    List<Exchanger> named = exchangers.stream().filter(Exchanger::named).toList();
    if (!named.isEmpty()) {
      return List.of(
          Finding.warn(
              TOPIC,
              "SRS domain "
                  + domain
                  + " MX "
                  + named.get(0)
                  + " is this server's "
                  + "myhostname, but none of its addresses is this server's ("
                  + host.describe()
                  + "). Behind NAT, run "
                  + "doctor with --address PUBLIC_IP; otherwise fix the A/AAAA records of "
                  + named.get(0).name()));
    }
    if (exchangers.stream().allMatch(e -> e.addresses().failed())) {
      return List.of(
          Finding.warn(
              TOPIC,
              "cannot tell whether the MX of SRS domain "
                  + domain
                  + " is this server: "
                  + exchangers
                  + ". Try again, or ask a resolver that answers with --dns-server"));
    }
    return List.of(
        Finding.fail(
            TOPIC,
            "no MX of SRS domain "
                + domain
                + " is this server: "
                + exchangers
                + "; this server has "
                + host.describe()
                + ". Bounces to SRS addresses go there, and only this server can "
                + "decode them. Point the MX here: "
                + domain
                + ". IN MX 10 "
                + host.myhostname().orElse("<this server's host name>")
                + "."));
  }
}
