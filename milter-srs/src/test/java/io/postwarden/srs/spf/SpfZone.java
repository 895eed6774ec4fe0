package io.postwarden.srs.spf;

import java.util.List;

/** The records the SPF tests serve from dnsmasq, all with {@link #TTL_SECONDS}. */
final class SpfZone {

  static final int TTL_SECONDS = 300;

  static final List<String> RECORDS =
      List.of(
          "--local-ttl=" + TTL_SECONDS,
          "--host-record=mx.test.example,127.0.0.1",
          "--txt-record=pass.test.example,v=spf1 ip4:198.51.100.25 ip4:127.0.0.1 -all",
          "--txt-record=half.test.example,v=spf1 ip4:198.51.100.25 ~all",
          "--txt-record=viainclude.test.example,v=spf1 include:_spf.provider.test.example -all",
          "--txt-record=_spf.provider.test.example,v=spf1 ip4:127.0.0.0/8 ip4:198.51.100.0/24 -all",
          "--mx-host=viamx.test.example,mx.test.example,10",
          "--txt-record=viamx.test.example,v=spf1 mx -all",
          "--host-record=viaa.test.example,127.0.0.1",
          "--txt-record=viaa.test.example,v=spf1 a -all",
          "--txt-record=fail.test.example,v=spf1 -all",
          "--txt-record=neutral.test.example,v=spf1 ?all",
          "--txt-record=nospf.test.example,site-verification=abc123",
          "--txt-record=twospf.test.example,v=spf1 -all",
          "--txt-record=twospf.test.example,v=spf1 ip4:127.0.0.1 -all",
          "--txt-record=includenone.test.example,v=spf1 include:nospf.test.example -all",
          "--txt-record=macro.test.example,v=spf1 exists:%{l}.allowed.test.example -all",
          "--host-record=ann.allowed.test.example,127.0.0.2");

  private SpfZone() {}
}
