package io.postwarden.srs;

import static org.junit.jupiter.api.Assertions.*;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.postwarden.core.CoreKeys;
import io.postwarden.core.LookupKeys;
import io.postwarden.core.config.Config;
import io.postwarden.core.config.ConfigException;
import io.postwarden.core.policy.Decision;
import io.postwarden.core.policy.Modification.ChangeSender;
import io.postwarden.core.policy.Policy;
import io.postwarden.core.testing.MutableClock;
import io.postwarden.core.testing.TestTransaction;
import io.postwarden.srs.policy.SrsDomains;
import io.postwarden.srs.policy.SrsKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SrsModuleTest {

  private static final Clock FIXED =
      Clock.fixed(Instant.parse("2026-11-25T10:00:00Z"), ZoneOffset.UTC);

  @TempDir Path dir;

  private Config config(String text) throws ConfigException {
    return Config.parse(
        "secrets-file = \""
            + dir.resolve("state/srs.secret")
            + "\"\nsrs-store-file = \""
            + dir.resolve("state/senders.sqlite")
            + "\"\npostfix-config-dir = \"\"\n"
            + text,
        "test",
        CoreKeys.SCHEMA.plus(LookupKeys.SCHEMA).plus(SrsKeys.SCHEMA));
  }

  private Optional<Policy> policy(Config config, Clock clock) throws Exception {
    return new SrsModule(clock)
        .policies(config, new SimpleMeterRegistry()).stream()
            .filter(p -> p.name().equals("srs"))
            .findFirst();
  }

  @Test
  void createsASecretFileOnceWithOwnerOnlyAccess() throws Exception {
    Path secret = dir.resolve("state/srs.secret");
    policy(config(""), FIXED);
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(secret)));
    assertEquals(
        "rwx------",
        PosixFilePermissions.toString(Files.getPosixFilePermissions(secret.getParent())));
    String first = Files.readString(secret);
    assertTrue(first.matches("[A-Za-z0-9+/]{32}\n"), first);
    policy(config("srs-domain = srs.test.example\n"), FIXED);
    assertEquals(first, Files.readString(secret), "an existing secret is never replaced");
  }

  @Test
  void srsIsOffWithoutADomainButFromRepairStillRuns() throws Exception {
    assertTrue(policy(config(""), FIXED).isEmpty());
    assertEquals(
        java.util.List.of("from-repair"),
        new SrsModule(FIXED)
            .policies(config(""), new SimpleMeterRegistry()).stream().map(Policy::name).toList());
    assertEquals(
        java.util.List.of("srs"),
        new SrsModule(FIXED)
                .policies(
                    config("srs-domain = s.example\nfrom-repair = no\n"), new SimpleMeterRegistry())
                .stream()
                .map(Policy::name)
                .toList());
    assertEquals(
        Optional.of("example.com"),
        SrsModule.srsDomain(config("domains = { \".example.com\", \"example.org\" }\n")));
  }

  @Test
  void aSecretsFileChangedToAnUnfitOneWhileRunningIsRefusedAndCounted() throws Exception {
    Path secret = dir.resolve("state/srs.secret");
    MutableClock clock = new MutableClock(Instant.parse("2026-11-25T10:00:00Z"));
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Policy policy =
        new SrsModule(clock)
            .policies(config("srs-domain = srs.test.example\n"), registry).stream()
                .filter(p -> p.name().equals("srs"))
                .findFirst()
                .orElseThrow();
    TestTransaction forwarded = TestTransaction.from("ann@outside.example").to("x@far.example");
    Object signedBefore = policy.onEndOfMessage(forwarded).modifications().get(0);

    Files.writeString(secret, "short\n");
    Files.setLastModifiedTime(secret, FileTime.from(Instant.parse("2026-11-25T10:00:01Z")));
    clock.advance(Duration.ofSeconds(2));
    assertEquals(
        signedBefore,
        policy.onEndOfMessage(forwarded).modifications().get(0),
        "the old secret signs");

    Files.writeString(secret, "kT3vXbq0sJ9wYc2LmN8pQr4Z\n");
    Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-r--r--"));
    Files.setLastModifiedTime(secret, FileTime.from(Instant.parse("2026-11-25T10:00:03Z")));
    clock.advance(Duration.ofSeconds(2));
    assertEquals(
        signedBefore,
        policy.onEndOfMessage(forwarded).modifications().get(0),
        "the old secret signs");

    assertEquals(2.0, registry.get("postwarden.srs.secrets.refused").counter().count());
  }

  @Test
  void editedDomainsFileIsPickedUpWithoutARestart() throws Exception {
    Path domains = dir.resolve("domains");
    Files.writeString(domains, "# ours\ntest.example\n");
    Files.setLastModifiedTime(domains, FileTime.from(Instant.parse("2026-01-01T00:00:00Z")));
    MutableClock clock = new MutableClock(Instant.parse("2026-11-25T10:00:00Z"));
    Policy policy =
        policy(config("srs-domain = srs.test.example\ndomains-file = \"" + domains + "\"\n"), clock)
            .orElseThrow();
    TestTransaction fromNewSite = TestTransaction.from("shop@newsite.example").to("x@far.example");
    assertInstanceOf(ChangeSender.class, policy.onEndOfMessage(fromNewSite).modifications().get(0));

    Files.writeString(domains, "test.example\nnewsite.example  # added later\n");
    clock.advance(Duration.ofSeconds(2));
    assertEquals(Decision.CONTINUE, policy.onEndOfMessage(fromNewSite));
  }

  @Test
  void srsDomainMapFileEntriesAreParsedLikeInlineOnes() throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("srs-domain-map"),
            "# tenant SRS domains\nblog.example bounces.blog.example  # the blog\n\n");
    assertEquals(
        java.util.Map.of("blog.example", "bounces.blog.example"),
        SrsDomains.parseEntries(SrsModule.entryLines(file)));
  }

  @Test
  void domainsFileFormat() throws Exception {
    Path file = Files.writeString(dir.resolve("d"), "a.example\n\n  # comment\n.b.example # sub\n");
    assertEquals(java.util.List.of("a.example", ".b.example"), SrsModule.entryLines(file));
  }

  @Test
  void editedSrsDomainMapFileIsPickedUpWithoutARestart() throws Exception {
    Path map = dir.resolve("srs-domain-map");
    Files.writeString(map, "# tenants\n");
    Files.setLastModifiedTime(map, FileTime.from(Instant.parse("2026-01-01T00:00:00Z")));
    MutableClock clock = new MutableClock(Instant.parse("2026-11-25T10:00:00Z"));
    Policy policy =
        policy(
                config(
                    "srs-domain = srs.test.example\n"
                        + "srs-domain-map = { \"blog.example=srs.blog.example\" }\n"
                        + "srs-domain-map-file = \""
                        + map
                        + "\"\n"),
                clock)
            .orElseThrow();
    TestTransaction toShop = TestTransaction.from("ann@outside.example").to("info@shop.example");
    TestTransaction toBlog = TestTransaction.from("ann@outside.example").to("info@blog.example");
    assertTrue(newSender(policy, toShop).endsWith("@srs.test.example"));
    assertTrue(newSender(policy, toBlog).endsWith("@srs.blog.example"), "inline entries apply");

    Files.writeString(map, "shop.example srs.shop.example\n");
    clock.advance(Duration.ofSeconds(2));
    assertTrue(newSender(policy, toShop).endsWith("@srs.shop.example"));
    assertTrue(newSender(policy, toBlog).endsWith("@srs.blog.example"));

    Files.writeString(map, "shop.example\n");
    Files.setLastModifiedTime(map, FileTime.from(Instant.parse("2026-11-25T10:00:05Z")));
    clock.advance(Duration.ofSeconds(2));
    assertTrue(
        newSender(policy, toShop).endsWith("@srs.shop.example"),
        "a broken file keeps the entries in force");
  }

  private static String newSender(Policy policy, TestTransaction tx) {
    return ((ChangeSender) policy.onEndOfMessage(tx).modifications().get(0)).address();
  }

  @Test
  void lazySrsAndTheDomainMapAreCheckedBeforeStart() throws Exception {
    Path badMap = Files.writeString(dir.resolve("bad-map"), "shop.example\n");
    assertEquals(
        java.util.List.of(
            "srs-lazy: needs srs-outbound-addresses, the addresses this server's mail leaves "
                + "from",
            "srs-domain-map, srs-domain-map-file: need srs-domain (or domains)",
            "srs-domain-map-file: "
                + badMap
                + ": expected RECIPIENT-DOMAIN=SRS-DOMAIN, got \"shop.example\""),
        new SrsModule(FIXED)
            .problems(config("srs-lazy = true\nsrs-domain-map-file = \"" + badMap + "\"\n")));
    assertThrows(
        java.io.IOException.class,
        () -> policy(config("srs-domain = s.example\nsrs-lazy = true\n"), FIXED));
    assertThrows(
        ConfigException.class, () -> config("srs-outbound-addresses = { mail.example }\n"));
    assertThrows(ConfigException.class, () -> config("srs-domain-map = { \"shop.example\" }\n"));
    assertEquals(
        java.util.List.of(),
        new SrsModule(FIXED)
            .problems(
                config(
                    "srs-domain = s.example\n"
                        + "srs-lazy = true\nsrs-outbound-addresses = { 198.51.100.25, \"2001:db8::25\" }\n")));
  }
}
