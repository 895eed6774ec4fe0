package io.postwarden.deploy.doctor;

import java.util.List;

/**
 * The records the doctor tests serve from dnsmasq; "this server" is 127.0.0.1, its myhostname
 * mx.test.example.
 */
final class TestZone {

  static final String MYHOSTNAME = "mx.test.example";
  static final String HERE = "127.0.0.1";

  static final List<String> RECORDS =
      List.of(
          "--host-record=mx.test.example,127.0.0.1",
          "--host-record=other.test.example,192.0.2.7",
          "--host-record=natmx.test.example,198.51.100.9",
          // all good: MX here, SPF names this address
          "--mx-host=srs.test.example,mx.test.example,10",
          "--txt-record=srs.test.example,v=spf1 ip4:127.0.0.1 -all",
          // exists (has an address) but no MX
          "--host-record=nomx.test.example,127.0.0.9",
          "--txt-record=nomx.test.example,v=spf1 ip4:127.0.0.1 -all",
          // MX points at another server, and so does SPF
          "--mx-host=elsewhere.test.example,other.test.example,10",
          "--txt-record=elsewhere.test.example,v=spf1 ip4:192.0.2.0/24 -all",
          // primary MX here, a backup elsewhere
          "--mx-host=backup.test.example,mx.test.example,10",
          "--mx-host=backup.test.example,other.test.example,20",
          // MX is our myhostname but resolves to an address that is not ours (NAT)
          "--mx-host=nat.test.example,natmx.test.example,10",
          // MX here, no SPF (only an unrelated TXT)
          "--mx-host=nospf.test.example,mx.test.example,10",
          "--txt-record=nospf.test.example,site-verification=abc123",
          // SPF variants
          "--mx-host=spfmx.test.example,mx.test.example,10",
          "--txt-record=spfmx.test.example,v=spf1 mx -all",
          "--host-record=spfa.test.example,127.0.0.1",
          "--mx-host=spfa.test.example,mx.test.example,10",
          "--txt-record=spfa.test.example,v=spf1 a:spfa.test.example/24 -all",
          "--mx-host=spfinclude.test.example,mx.test.example,10",
          "--txt-record=spfinclude.test.example,v=spf1 include:_spf.provider.test.example -all",
          "--txt-record=_spf.provider.test.example,v=spf1 ip4:127.0.0.0/8 -all",
          "--txt-record=spfbroken.test.example,v=spf1 include:nospf.test.example -all",
          "--txt-record=spfunreachable.test.example,v=spf1 include:_spf.provider.example -all",
          "--mx-host=spfdeny.test.example,mx.test.example,10",
          "--txt-record=spfdeny.test.example,v=spf1 -ip4:127.0.0.0/8 +all",
          "--mx-host=spfall.test.example,mx.test.example,10",
          "--txt-record=spfall.test.example,v=spf1 +all",
          "--mx-host=twospf.test.example,mx.test.example,10",
          "--txt-record=twospf.test.example,v=spf1 mx -all",
          "--txt-record=twospf.test.example,v=spf1 ip4:127.0.0.1 -all");

  private TestZone() {}
}
