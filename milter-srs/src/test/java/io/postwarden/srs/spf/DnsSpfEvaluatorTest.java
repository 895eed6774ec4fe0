package io.postwarden.srs.spf;

import static org.junit.jupiter.api.Assertions.*;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SPF by jSPF against a real DNS server (dnsmasq on loopback): results, the TTL they rest on,
 * macros, failures.
 */
class DnsSpfEvaluatorTest {

  private static final InetAddress HERE = address("127.0.0.1");
  private static final InetAddress NAT = address("198.51.100.25");
  private static final List<InetAddress> BOTH = List.of(HERE, NAT);

  @TempDir static Path work;
  private static Dnsmasq dnsmasq;
  private static SpfEvaluator spf;

  @BeforeAll
  static void startDns() throws Exception {
    dnsmasq = Dnsmasq.start(work, SpfZone.RECORDS);
    spf =
        new DnsSpfEvaluator(
            dnsmasq.resolver(Duration.ofSeconds(2)), Duration.ofSeconds(3), "mx.test.example");
  }

  @AfterAll
  static void stopDns() throws Exception {
    if (dnsmasq != null) {
      dnsmasq.close();
    }
  }

  private static InetAddress address(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  private static SpfResult only(SpfVerdicts verdicts) {
    assertEquals(1, verdicts.results().size(), verdicts.toString());
    return verdicts.results().values().iterator().next();
  }

  @Test
  void everyAddressNamedPasses() {
    SpfVerdicts verdicts = spf.evaluate("ann@pass.test.example", BOTH);
    assertTrue(verdicts.allPass(), verdicts.toString());
    assertEquals(SpfResult.PASS, verdicts.deciding());
    assertEquals(
        Duration.ofSeconds(SpfZone.TTL_SECONDS),
        verdicts.ttl(),
        "the TTL of the answers it rests on");
    assertFalse(verdicts.dependsOnMoreThanDomain());
  }

  @Test
  void oneAddressNotNamedIsNotAPassForAll() {
    SpfVerdicts verdicts = spf.evaluate("ann@half.test.example", BOTH);
    assertEquals(SpfResult.SOFTFAIL, verdicts.results().get(HERE));
    assertEquals(SpfResult.PASS, verdicts.results().get(NAT));
    assertFalse(verdicts.allPass());
    assertEquals(SpfResult.SOFTFAIL, verdicts.deciding());
  }

  @Test
  void includeMxAndAAreFollowed() {
    assertTrue(spf.evaluate("ann@viainclude.test.example", BOTH).allPass());
    assertEquals(SpfResult.PASS, only(spf.evaluate("ann@viamx.test.example", List.of(HERE))));
    assertEquals(SpfResult.PASS, only(spf.evaluate("ann@viaa.test.example", List.of(HERE))));
  }

  @Test
  void eachResultAsTheRfcNamesIt() {
    assertEquals(SpfResult.FAIL, only(spf.evaluate("ann@fail.test.example", List.of(HERE))));
    assertEquals(SpfResult.NEUTRAL, only(spf.evaluate("ann@neutral.test.example", List.of(HERE))));
    assertEquals(SpfResult.NONE, only(spf.evaluate("ann@nospf.test.example", List.of(HERE))));
    assertEquals(SpfResult.PERMERROR, only(spf.evaluate("ann@twospf.test.example", List.of(HERE))));
    assertEquals(
        SpfResult.PERMERROR, only(spf.evaluate("ann@includenone.test.example", List.of(HERE))));
  }

  @Test
  void aRecordWithMacrosDependsOnTheLocalPart() {
    SpfVerdicts ann = spf.evaluate("ann@macro.test.example", List.of(HERE));
    SpfVerdicts bob = spf.evaluate("bob@macro.test.example", List.of(HERE));
    assertEquals(SpfResult.PASS, only(ann));
    assertEquals(SpfResult.FAIL, only(bob));
    assertTrue(ann.dependsOnMoreThanDomain());
  }

  @Test
  void aRefusingServerIsATemporaryError() {
    // dnsmasq answers REFUSED outside test.example: it has no upstream
    assertEquals(
        SpfResult.TEMPERROR, only(spf.evaluate("ann@pass.elsewhere.example", List.of(HERE))));
  }

  @Test
  void aServerThatNeverAnswersIsATemporaryErrorWithinTheBudget() throws Exception {
    try (java.net.DatagramSocket silent = new java.net.DatagramSocket(0, HERE)) {
      SpfEvaluator unanswered =
          new DnsSpfEvaluator(
              DnsResolvers.server("127.0.0.1:" + silent.getLocalPort(), Duration.ofSeconds(30)),
              Duration.ofMillis(300),
              "mx.test.example");
      SpfVerdicts verdicts = unanswered.evaluate("ann@pass.test.example", BOTH);
      assertEquals(SpfResult.TEMPERROR, verdicts.deciding(), verdicts.toString());
      assertFalse(verdicts.allPass());
    }
  }
}
