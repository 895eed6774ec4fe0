package io.postwarden.deploy.doctor;

import static org.junit.jupiter.api.Assertions.*;

import io.postwarden.srs.policy.SrsKeys;
import io.postwarden.srs.spf.Dnsmasq;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SRS domain's MX and SPF checks against a real DNS server (dnsmasq on loopback) serving {@link
 * TestZone}; SPF is evaluated by the SPF library (jSPF), as lazy SRS does.
 */
class DoctorDnsTest {

  @TempDir static Path work;

  private static Dnsmasq dnsmasq;
  private static Dns dns;
  private static final ThisHost HOST =
      new ThisHost(Set.of(address(TestZone.HERE)), true, Optional.of(TestZone.MYHOSTNAME));

  @BeforeAll
  static void startDns() throws Exception {
    dnsmasq = Dnsmasq.start(work, TestZone.RECORDS);
    dns = Dns.server(dnsmasq.server(), Duration.ofSeconds(2));
  }

  @AfterAll
  static void stopDns() throws Exception {
    if (dnsmasq != null) {
      dnsmasq.close();
    }
  }

  private static InetAddress address(String literal) {
    return SrsKeys.ipAddress(literal);
  }

  private static Finding only(List<Finding> findings) {
    assertEquals(1, findings.size(), findings.toString());
    return findings.get(0);
  }

  private static List<Finding> mx(String domain, ThisHost host) {
    return new SrsMxCheck(domain, dns, host).run();
  }

  private static Finding spf(String domain) {
    return only(new SrsSpfCheck(domain, dns, HOST).run());
  }

  @Test
  void mxPointingHereIsOk() {
    Finding finding = only(mx("srs.test.example", HOST));
    assertEquals(Severity.OK, finding.severity(), finding.line());
    assertTrue(
        finding.text().contains("mx.test.example (preference 10) -> 127.0.0.1"), finding.line());
  }

  @Test
  void missingMxFailsWithTheRecordToAdd() {
    Finding finding = only(mx("nomx.test.example", HOST));
    assertEquals(Severity.FAIL, finding.severity(), finding.line());
    assertTrue(finding.text().contains("has no MX record"), finding.line());
    assertTrue(
        finding.text().contains("Add: nomx.test.example. IN MX 10 mx.test.example."),
        finding.line());
  }

  @Test
  void domainMissingFromDnsFails() {
    Finding finding = only(mx("gone.test.example", HOST));
    assertEquals(Severity.FAIL, finding.severity(), finding.line());
    assertTrue(finding.text().contains("does not exist in DNS"), finding.line());
  }

  @Test
  void mxPointingElsewhereFails() {
    Finding finding = only(mx("elsewhere.test.example", HOST));
    assertEquals(Severity.FAIL, finding.severity(), finding.line());
    assertTrue(
        finding.text().contains("other.test.example (preference 10) -> 192.0.2.7"), finding.line());
    assertTrue(finding.text().contains("IN MX 10 mx.test.example."), finding.line());
  }

  @Test
  void backupMxElsewhereIsAWarning() {
    List<Finding> findings = mx("backup.test.example", HOST);
    assertEquals(
        List.of(Severity.OK, Severity.WARN),
        findings.stream().map(Finding::severity).toList(),
        findings.toString());
    assertTrue(
        findings.get(1).text().contains("other.test.example (preference 20)"),
        findings.get(1).line());
    assertTrue(findings.get(1).text().contains("must relay"), findings.get(1).line());
  }

  @Test
  void mxNamedLikeMyhostnameButElsewhereSuggestsNat() {
    ThisHost nat =
        new ThisHost(Set.of(address(TestZone.HERE)), false, Optional.of("natmx.test.example"));
    Finding finding = only(mx("nat.test.example", nat));
    assertEquals(Severity.WARN, finding.severity(), finding.line());
    assertTrue(finding.text().contains("--address"), finding.line());
  }

  @Test
  void unreachableDnsServerIsAWarningNotAVerdict() throws Exception {
    Dns nowhere = Dns.server("127.0.0.1:9", Duration.ofMillis(300));
    Finding finding = only(new SrsMxCheck("srs.test.example", nowhere, HOST).run());
    assertEquals(Severity.WARN, finding.severity(), finding.line());
    assertTrue(finding.text().contains("cannot look up"), finding.line());
  }

  @Test
  void spfNamingThisAddressIsOk() {
    Finding finding = spf("srs.test.example");
    assertEquals(Severity.OK, finding.severity(), finding.line());
    assertTrue(finding.text().contains("pass for 127.0.0.1"), finding.line());
  }

  @Test
  void spfByMxAndByAIsOk() {
    assertEquals(
        Severity.OK, spf("spfmx.test.example").severity(), spf("spfmx.test.example").line());
    assertEquals(Severity.OK, spf("spfa.test.example").severity(), spf("spfa.test.example").line());
  }

  @Test
  void noSpfWarnsWithARecordToAdd() {
    Finding finding = spf("nospf.test.example");
    assertEquals(Severity.WARN, finding.severity(), finding.line());
    assertTrue(finding.text().contains("has no SPF record"), finding.line());
    assertTrue(
        finding.text().contains("nospf.test.example. IN TXT \"v=spf1 mx -all\""), finding.line());
  }

  @Test
  void spfForOtherAddressesWarns() {
    Finding finding = spf("elsewhere.test.example");
    assertEquals(Severity.WARN, finding.severity(), finding.line());
    assertTrue(
        finding.text().contains("does not let this server send (127.0.0.1 fail"), finding.line());
  }

  @Test
  void spfDecidedByAnEarlierFailTermWarns() {
    // first match wins: -ip4:127.0.0.0/8 refuses us before +all would let everyone in
    assertEquals(
        Severity.WARN, spf("spfdeny.test.example").severity(), spf("spfdeny.test.example").line());
    assertTrue(spf("spfdeny.test.example").text().contains("does not let this server send"));
  }

  @Test
  void includesAreFollowed() {
    Finding finding = spf("spfinclude.test.example");
    assertEquals(Severity.OK, finding.severity(), finding.line());
    assertTrue(finding.text().contains("include:_spf.provider.test.example"), finding.line());
  }

  @Test
  void anIncludeWithoutARecordIsAPermanentError() {
    Finding finding = spf("spfbroken.test.example");
    assertEquals(Severity.WARN, finding.severity(), finding.line());
    assertTrue(finding.text().contains("permanent error"), finding.line());
  }

  @Test
  void anIncludeDnsCannotAnswerIsAWarningNotAVerdict() {
    // dnsmasq has no upstream: outside test.example it refuses, as a broken resolver would
    Finding finding = spf("spfunreachable.test.example");
    assertEquals(Severity.WARN, finding.severity(), finding.line());
    assertTrue(finding.text().contains("could not evaluate"), finding.line());
  }

  @Test
  void spfAllowingEveryoneWarns() {
    Finding finding = spf("spfall.test.example");
    assertEquals(Severity.WARN, finding.severity(), finding.line());
    assertTrue(finding.text().contains("+all"), finding.line());
  }

  @Test
  void twoSpfRecordsWarn() {
    Finding finding = spf("twospf.test.example");
    assertEquals(Severity.WARN, finding.severity(), finding.line());
    assertTrue(finding.text().contains("2 SPF records"), finding.line());
  }
}
