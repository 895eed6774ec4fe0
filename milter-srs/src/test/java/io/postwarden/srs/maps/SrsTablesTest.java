package io.postwarden.srs.maps;

import static org.junit.jupiter.api.Assertions.*;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.postwarden.core.config.Config;
import io.postwarden.core.lookup.LookupContext;
import io.postwarden.core.lookup.LookupResult;
import io.postwarden.core.lookup.LookupTable;
import io.postwarden.core.policy.Decision;
import io.postwarden.core.policy.Modification.ChangeSender;
import io.postwarden.core.policy.Policy;
import io.postwarden.core.policy.Recipient;
import io.postwarden.core.testing.TestTransaction;
import io.postwarden.srs.SrsModule;
import io.postwarden.srs.codec.ForwardResult;
import io.postwarden.srs.codec.SrsCodec;
import io.postwarden.srs.codec.SrsConfig;
import io.postwarden.srs.codec.SrsSecrets;
import io.postwarden.srs.policy.SrsKeys;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SRS lookup tables against the milter's SRS policy built from the same configuration: both
 * paths must rewrite, reverse and refuse alike.
 */
class SrsTablesTest {

  private static final String SRS_DOMAIN = "srs.test.example";
  private static final String SECRET = "a-secret-of-at-least-16-bytes";
  private static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  /**
   * deploy/postfix/srs_recipients' test for SRS addresses at the SRS domain (regexp: tables ignore
   * case).
   */
  private static final Pattern TRIGGER =
      Pattern.compile(
          "^srs[01][=+-].*@([^@]+\\.)?srs\\.test\\.example\\.?$", Pattern.CASE_INSENSITIVE);

  @TempDir Path dir;
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private Map<String, LookupTable> tables;
  private Policy milter;
  private Config config;
  private final LookupContext connection = new LookupContext();

  @BeforeEach
  void build() throws Exception {
    config = config("");
    tables = new SrsModule(CLOCK).lookupTables(config, registry);
    milter =
        new SrsModule(CLOCK)
            .policies(config, new SimpleMeterRegistry()).stream()
                .filter(p -> p.name().equals("srs"))
                .findFirst()
                .orElseThrow();
  }

  private Config config(String more) throws Exception {
    Path secrets = Files.writeString(dir.resolve("srs.secret"), SECRET + "\n");
    Files.setPosixFilePermissions(secrets, PosixFilePermissions.fromString("rw-------"));
    return Config.parse(
        "srs-domain = "
            + SRS_DOMAIN
            + "\ndomains = { test.example, .hosted.example }\n"
            + "secrets-file = \""
            + secrets
            + "\"\npostfix-config-dir = \"\"\nalways-rewrite = true\n"
            + "srs-throttle-after = 2\n"
            + more,
        "test",
        SrsKeys.SCHEMA);
  }

  /** What Postwarden writes at {@code when}, with the configuration's hash settings. */
  private String srs0(String sender, Instant when) {
    SrsConfig settings =
        SrsModule.codecSettings(
            config, SrsSecrets.of(List.of(SECRET.getBytes(StandardCharsets.US_ASCII))));
    return ((ForwardResult.Rewritten)
            new SrsCodec(settings, Clock.fixed(when, ZoneOffset.UTC)).forward(sender, SRS_DOMAIN))
        .address();
  }

  private LookupResult lookup(String table, String key) {
    return tables.get(table).lookup(key, connection);
  }

  private static String found(LookupResult result) {
    return assertInstanceOf(LookupResult.Found.class, result).value();
  }

  /**
   * What the milter's SRS policy does with a sender (always-rewrite, as the map cannot see
   * recipients).
   */
  private Optional<String> milterForward(String sender) {
    Decision decision = milter.onEndOfMessage(TestTransaction.from(sender).to("carol@far.example"));
    return decision.modifications().stream()
        .filter(ChangeSender.class::isInstance)
        .map(m -> ((ChangeSender) m).address())
        .findFirst();
  }

  /**
   * The milter's RCPT reply for a recipient, as an access(5) action; empty when it lets it pass.
   */
  private Optional<String> milterRcpt(String sender, String client, String recipient) {
    Decision decision =
        milter.onRecipient(
            TestTransaction.from(sender).client(client, 4711), new Recipient(recipient, List.of()));
    return Optional.ofNullable(decision.reply()).map(Object::toString);
  }

  /**
   * The access maps as the shipped Postfix configuration applies them: srs_recipients refuses what
   * is not an SRS address at our SRS domain and sends SRS addresses there to the restriction class,
   * which asks sender, client, recipient in that order.
   */
  private Optional<String> mapsRcpt(String sender, String client, String recipient) {
    if (!TRIGGER.matcher(recipient).matches()) {
      return Optional.empty();
    }
    LookupResult nullSender = lookup(SrsTables.NULL_SENDER, sender.isEmpty() ? "<>" : sender);
    if (nullSender instanceof LookupResult.Found found) {
      return Optional.of(found.value());
    }
    LookupResult throttle = lookup(SrsTables.CLIENT, client);
    if (throttle instanceof LookupResult.Found found) {
      return Optional.of(found.value());
    }
    LookupResult verify = lookup(SrsTables.VERIFY, recipient);
    return verify instanceof LookupResult.Found found
        ? Optional.of(found.value())
        : Optional.empty();
  }

  @Test
  void forwardRewritesExactlyTheSendersTheMilterRewrites() {
    for (String sender :
        List.of(
            "ann@outside.example",
            "Ann.Smith@Outside.Example",
            "www@test.example",
            "x@shop.hosted.example",
            "bounce@" + SRS_DOMAIN,
            srs0("ann@outside.example", NOW),
            "SRS0=abcd=2W=other.example=zed@forwarder.example",
            "a@b=c.example")) {
      Optional<String> map =
          lookup(SrsTables.FORWARD, sender) instanceof LookupResult.Found found
              ? Optional.of(found.value())
              : Optional.empty();
      assertEquals(milterForward(sender), map, sender);
    }
    assertTrue(
        found(lookup(SrsTables.FORWARD, "ann@outside.example"))
            .matches(
                "SRS0=[A-Za-z0-9_-]{8}=[A-Z2-7]{2}=outside\\.example=ann@srs\\.test\\.example"));
  }

  @Test
  void onlyLongSendersAndAddressesOfStoredSendersGoToTheStoreOffTheNetworkThreads()
      throws Exception {
    Map<String, LookupTable> stored =
        new SrsModule(CLOCK)
            .lookupTables(
                config("srs-store-file = \"" + dir.resolve("senders.sqlite") + "\"\n"), registry);
    String longSender = "a-sender-whose-address-is-too-long-for-an-srs-local-part@outside.example";
    assertFalse(stored.get(SrsTables.FORWARD).mayBlock("ann@outside.example"));
    assertTrue(stored.get(SrsTables.FORWARD).mayBlock(longSender));
    String storedSenders = found(stored.get(SrsTables.FORWARD).lookup(longSender, connection));
    String ordinary = srs0("ann@outside.example", NOW);
    for (String table : List.of(SrsTables.REVERSE, SrsTables.VERIFY)) {
      assertTrue(stored.get(table).mayBlock(storedSenders), table);
      assertFalse(stored.get(table).mayBlock(ordinary), table);
      assertFalse(stored.get(table).mayBlock("carol@far.example"), table);
    }
    assertFalse(stored.get(SrsTables.NULL_SENDER).mayBlock("<>"));
    assertFalse(stored.get(SrsTables.CLIENT).mayBlock("192.0.2.7"));
  }

  @Test
  void forwardIgnoresKeysThatAreNoWholeAddress() {
    for (String key : List.of("", "ann", "@outside.example")) {
      assertInstanceOf(LookupResult.NotFound.class, lookup(SrsTables.FORWARD, key), key);
    }
  }

  @Test
  void reverseGivesTheOriginalSenderOfValidAddressesAtOurDomainOnly() {
    String srs = srs0("ann@outside.example", NOW);
    assertEquals("ann@outside.example", found(lookup(SrsTables.REVERSE, srs)));
    assertEquals(
        "ann@outside.example", found(lookup(SrsTables.REVERSE, srs.toLowerCase())), "case-smashed");
    String srs1 =
        found(lookup(SrsTables.FORWARD, "SRS0=abcd=2W=other.example=zed@forwarder.example"));
    assertEquals(
        "SRS0=abcd=2W=other.example=zed@forwarder.example", found(lookup(SrsTables.REVERSE, srs1)));
    for (String other :
        List.of(
            srs.replace(SRS_DOMAIN, "elsewhere.example"),
            "ann@outside.example",
            srs.replaceFirst("^SRS0=........", "SRS0=ZZZZZZZZ"),
            srs0("ann@outside.example", NOW.minus(Duration.ofDays(30))),
            "postmaster@" + SRS_DOMAIN)) {
      assertInstanceOf(LookupResult.NotFound.class, lookup(SrsTables.REVERSE, other), other);
    }
  }

  @Test
  void accessMapsRefuseAtRcptExactlyWhatTheMilterRefuses() {
    String valid = srs0("ann@outside.example", NOW);
    String forged = valid.replaceFirst("^SRS0=........", "SRS0=ZZZZZZZZ");
    String expired = srs0("ann@outside.example", NOW.minus(Duration.ofDays(30)));
    List<String> recipients =
        List.of(
            valid,
            forged,
            expired,
            valid.toLowerCase(),
            "SRS0=bad@" + SRS_DOMAIN,
            forged.replace(SRS_DOMAIN, "mx." + SRS_DOMAIN),
            "bob@test.example",
            "SRS0=abcd=2W=other.example=zed@forwarder.example");
    int client = 1;
    for (String sender : List.of("", "spam@botnet.example")) {
      for (String recipient : recipients) {
        // a fresh client each time: the throttle is compared on its own below
        String address = "192.0.2." + client++;
        assertEquals(
            milterRcpt(sender, address, recipient),
            mapsRcpt(sender, address, recipient),
            "<" + sender + "> to " + recipient);
      }
    }
    assertEquals(
        "550 5.7.1 SRS addresses here accept only bounces (null sender)",
        mapsRcpt("spam@botnet.example", "192.0.2.200", valid).orElseThrow());
    assertTrue(
        mapsRcpt("", "192.0.2.201", forged)
            .orElseThrow()
            .startsWith("550 5.1.1 Invalid SRS address: "));
    assertEquals(Optional.empty(), mapsRcpt("", "192.0.2.202", valid));
  }

  @Test
  void invalidAddressesCountAgainstTheClientNotedOnTheConnection() {
    String valid = srs0("ann@outside.example", NOW);
    String forged = valid.replaceFirst("^SRS0=........", "SRS0=ZZZZZZZZ");
    for (int i = 0; i < 2; i++) {
      assertTrue(mapsRcpt("", "198.51.100.7", forged).orElseThrow().startsWith("550 5.1.1"));
    }
    assertEquals(
        Optional.of("451 4.7.1 Too many invalid SRS recipients from your address; try again later"),
        mapsRcpt("", "198.51.100.7", valid),
        "locked out: even a valid address is deferred");
    assertEquals(Optional.empty(), mapsRcpt("", "198.51.100.8", valid), "another client is not");
    assertEquals(
        2, registry.get("postwarden.srs.refusals").tag("reason", "bad_hash").counter().count());
    assertEquals(
        1, registry.get("postwarden.srs.refusals").tag("reason", "throttled").counter().count());
  }

  @Test
  void withoutANotedClientNothingIsCountedForTheThrottle() {
    String forged =
        srs0("ann@outside.example", NOW).replaceFirst("^SRS0=........", "SRS0=ZZZZZZZZ");
    for (int i = 0; i < 3; i++) {
      assertTrue(found(lookup(SrsTables.VERIFY, forged)).startsWith("550 5.1.1"));
    }
    assertInstanceOf(LookupResult.NotFound.class, lookup(SrsTables.CLIENT, "203.0.113.9"));
    assertInstanceOf(LookupResult.NotFound.class, lookup(SrsTables.CLIENT, "not-an-address"));
  }
}
