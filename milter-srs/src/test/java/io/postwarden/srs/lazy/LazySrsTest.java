package io.postwarden.srs.lazy;

import static org.junit.jupiter.api.Assertions.*;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.postwarden.core.testing.MutableClock;
import io.postwarden.srs.spf.SpfEvaluator;
import io.postwarden.srs.spf.SpfResult;
import io.postwarden.srs.spf.SpfVerdicts;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The lazy-SRS decision and its cache, with SPF answered by a scripted evaluator (the DNS
 * boundary).
 */
class LazySrsTest {

  private static final InetAddress FIRST = address("198.51.100.25");
  private static final InetAddress SECOND = address("2001:db8::25");

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T10:00:00Z"));
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final ScriptedSpf spf = new ScriptedSpf();

  private static InetAddress address(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  /** Answers each sender domain as scripted, and records every question. */
  private static final class ScriptedSpf implements SpfEvaluator {
    final Map<String, SpfVerdicts> byDomain = new HashMap<>();
    final List<String> asked = new ArrayList<>();

    void script(String domain, SpfResult first, SpfResult second, Duration ttl, boolean macros) {
      Map<InetAddress, SpfResult> results = new LinkedHashMap<>();
      results.put(FIRST, first);
      results.put(SECOND, second);
      byDomain.put(domain, new SpfVerdicts(results, ttl, macros));
    }

    @Override
    public SpfVerdicts evaluate(String sender, List<InetAddress> clients) {
      asked.add(sender);
      assertEquals(List.of(FIRST, SECOND), clients, "every outbound address is checked");
      return byDomain.get(sender.substring(sender.indexOf('@') + 1));
    }
  }

  private LazySrs lazy(int cacheSize) {
    return new LazySrs(spf, List.of(FIRST, SECOND), cacheSize, clock, registry);
  }

  private double spfCount(String result) {
    return registry.get("postwarden.srs.lazy.spf").tag("result", result).counter().count();
  }

  private double skipped() {
    return registry.get("postwarden.srs.lazy.skipped").counter().count();
  }

  @Test
  void onlyAPassForEveryOutboundAddressKeepsTheSender() {
    spf.script("ok.example", SpfResult.PASS, SpfResult.PASS, Duration.ofMinutes(5), false);
    spf.script("half.example", SpfResult.PASS, SpfResult.SOFTFAIL, Duration.ofMinutes(5), false);
    LazySrs lazy = lazy(100);
    assertTrue(lazy.senderMayKeepItsAddress("ann@ok.example", "Q1"));
    assertFalse(lazy.senderMayKeepItsAddress("ann@half.example", "Q2"));
    assertEquals(1, skipped());
    assertEquals(1, spfCount("pass"));
    assertEquals(1, spfCount("softfail"));
  }

  @Test
  void everyResultButPassMeansRewrite() {
    LazySrs lazy = lazy(100);
    for (SpfResult result : SpfResult.values()) {
      if (result != SpfResult.PASS) {
        String domain = result.label() + ".example";
        spf.script(domain, SpfResult.PASS, result, Duration.ofMinutes(5), false);
        assertFalse(lazy.senderMayKeepItsAddress("ann@" + domain, "Q"), result.label());
        assertEquals(1, spfCount(result.label()), result.label());
      }
    }
    assertEquals(0, skipped());
  }

  @Test
  void anOutcomeIsRememberedForItsTtlPerDomain() {
    spf.script("ok.example", SpfResult.PASS, SpfResult.PASS, Duration.ofSeconds(120), false);
    LazySrs lazy = lazy(100);
    assertTrue(lazy.senderMayKeepItsAddress("ann@ok.example", "Q1"));
    clock.advance(Duration.ofSeconds(119));
    assertTrue(
        lazy.senderMayKeepItsAddress("bob@OK.example", "Q2"),
        "same domain, any local part or case");
    assertEquals(List.of("ann@ok.example"), spf.asked);
    clock.advance(Duration.ofSeconds(1));
    spf.script("ok.example", SpfResult.FAIL, SpfResult.FAIL, Duration.ofSeconds(120), false);
    assertFalse(
        lazy.senderMayKeepItsAddress("ann@ok.example", "Q3"), "asked again once the TTL ran out");
    assertEquals(2, spf.asked.size());
    assertEquals(2, skipped());
  }

  @Test
  void aLongTtlIsCutToAnHourAndAZeroTtlIsNotRemembered() {
    spf.script("long.example", SpfResult.PASS, SpfResult.PASS, Duration.ofDays(2), false);
    spf.script("zero.example", SpfResult.PASS, SpfResult.PASS, Duration.ZERO, false);
    LazySrs lazy = lazy(100);
    lazy.senderMayKeepItsAddress("ann@long.example", "Q");
    lazy.senderMayKeepItsAddress("ann@zero.example", "Q");
    lazy.senderMayKeepItsAddress("ann@zero.example", "Q");
    clock.advance(Duration.ofSeconds(LazySrs.MAX_TTL.toSeconds() - 1));
    lazy.senderMayKeepItsAddress("ann@long.example", "Q");
    clock.advance(Duration.ofSeconds(1));
    lazy.senderMayKeepItsAddress("ann@long.example", "Q");
    assertEquals(
        List.of("ann@long.example", "ann@zero.example", "ann@zero.example", "ann@long.example"),
        spf.asked);
  }

  @Test
  void aDnsFailureIsRememberedForAMinuteOnly() {
    spf.script("down.example", SpfResult.TEMPERROR, SpfResult.TEMPERROR, Duration.ofDays(1), false);
    LazySrs lazy = lazy(100);
    assertFalse(lazy.senderMayKeepItsAddress("ann@down.example", "Q"));
    clock.advance(Duration.ofSeconds(59));
    assertFalse(lazy.senderMayKeepItsAddress("ann@down.example", "Q"));
    assertEquals(1, spf.asked.size(), "one timeout a minute, not one per message");
    clock.advance(Duration.ofSeconds(1));
    spf.script("down.example", SpfResult.PASS, SpfResult.PASS, Duration.ofDays(1), false);
    assertTrue(lazy.senderMayKeepItsAddress("ann@down.example", "Q"));
    assertEquals(1, spfCount("temperror"));
  }

  @Test
  void aRecordWithMacrosIsRememberedPerSender() {
    spf.script("macro.example", SpfResult.PASS, SpfResult.PASS, Duration.ofMinutes(5), true);
    LazySrs lazy = lazy(100);
    assertTrue(lazy.senderMayKeepItsAddress("ann@macro.example", "Q"));
    assertTrue(lazy.senderMayKeepItsAddress("ann@macro.example", "Q"));
    spf.script("macro.example", SpfResult.FAIL, SpfResult.FAIL, Duration.ofMinutes(5), true);
    assertFalse(
        lazy.senderMayKeepItsAddress("bob@macro.example", "Q"),
        "another local part is asked about");
    assertEquals(List.of("ann@macro.example", "bob@macro.example"), spf.asked);
  }

  @Test
  void theCacheForgetsTheLeastRecentlyUsedBeyondItsSize() {
    LazySrs lazy = lazy(2);
    for (String domain : List.of("a.example", "b.example", "c.example")) {
      spf.script(domain, SpfResult.PASS, SpfResult.PASS, Duration.ofMinutes(5), false);
    }
    lazy.senderMayKeepItsAddress("x@a.example", "Q");
    lazy.senderMayKeepItsAddress("x@b.example", "Q");
    lazy.senderMayKeepItsAddress("x@a.example", "Q");
    lazy.senderMayKeepItsAddress("x@c.example", "Q");
    lazy.senderMayKeepItsAddress("x@a.example", "Q");
    lazy.senderMayKeepItsAddress("x@b.example", "Q");
    assertEquals(List.of("x@a.example", "x@b.example", "x@c.example", "x@b.example"), spf.asked);
  }

  @Test
  void noOutboundAddressesIsRefused() {
    assertThrows(
        IllegalArgumentException.class, () -> new LazySrs(spf, List.of(), 10, clock, registry));
  }
}
