package io.postwarden.srs.longsender;

import static org.junit.jupiter.api.Assertions.*;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.postwarden.core.config.Config;
import io.postwarden.core.lookup.LookupContext;
import io.postwarden.core.lookup.LookupResult;
import io.postwarden.core.lookup.LookupTable;
import io.postwarden.core.policy.Decision;
import io.postwarden.core.policy.Modification;
import io.postwarden.core.policy.Modification.AddRecipient;
import io.postwarden.core.policy.Modification.ChangeSender;
import io.postwarden.core.policy.Policy;
import io.postwarden.core.policy.Recipient;
import io.postwarden.core.policy.Stage;
import io.postwarden.core.policy.Transaction;
import io.postwarden.core.policy.Verdict;
import io.postwarden.core.testing.MutableClock;
import io.postwarden.core.testing.RedisServer;
import io.postwarden.core.testing.TestTransaction;
import io.postwarden.srs.SrsModule;
import io.postwarden.srs.codec.ReverseFailure;
import io.postwarden.srs.codec.ReverseResult;
import io.postwarden.srs.maps.SrsTables;
import io.postwarden.srs.policy.SrsKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Long senders through the milter's SRS policy and the lookup tables, sharing one store as in the
 * daemon: rewritten within 64 octets, reversed through the store, and bounded.
 */
class LongSendersTest {

  static final String SRS_DOMAIN = "srs.test.example";

  /**
   * 60 octets of local part: its plain SRS0 form would be 60 + 18 + the domain's 11 = 89 octets.
   */
  static final String LONG_SENDER =
      "newsletter-bounces+0123456789abcdef0123456789abcdef-ann-smith@lists.example";

  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-30T10:00:00Z"));
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final LongSenderModule store = new LongSenderModule(clock);
  private Policy milter;
  private Map<String, LookupTable> tables;

  @AfterEach
  void closeStore() {
    store.close();
  }

  private Config config(String extra) throws Exception {
    Path secrets = dir.resolve("srs.secret");
    if (!Files.exists(secrets)) {
      Files.writeString(secrets, "a-secret-of-at-least-16-bytes\n");
      Files.setPosixFilePermissions(secrets, PosixFilePermissions.fromString("rw-------"));
    }
    return Config.parse(
        "srs-domain = "
            + SRS_DOMAIN
            + "\nsecrets-file = \""
            + secrets
            + "\"\n"
            + "postfix-config-dir = \"\"\nalways-rewrite = true\n"
            + (extra.contains("srs-store-file")
                ? ""
                : "srs-store-file = \"" + dir.resolve("senders.sqlite") + "\"\n")
            + extra,
        "test",
        SrsKeys.SCHEMA);
  }

  private void build(String extra) throws Exception {
    build(config(extra), store);
  }

  private void build(Config config, LongSenderModule longSenders) throws Exception {
    SrsModule module = new SrsModule(clock, longSenders);
    milter =
        module.policies(config, registry).stream()
            .filter(p -> p.name().equals("srs"))
            .findFirst()
            .orElseThrow();
    tables = module.lookupTables(config, registry);
  }

  @Test
  void theMilterAndTheTablesShareTheStoresEntriesGaugeWithoutAWarning() throws Exception {
    List<LogRecord> warnings = new ArrayList<>();
    Handler capture =
        new Handler() {
          @Override
          public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
              warnings.add(record);
            }
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    Logger micrometer = Logger.getLogger("io.micrometer.core.instrument.MeterRegistry");
    micrometer.addHandler(capture);
    try {
      build("");
      build(""); // a reload
    } finally {
      micrometer.removeHandler(capture);
    }
    assertEquals(1, registry.find("postwarden.srs.store.entries").gauges().size());
    assertEquals(List.of(), warnings.stream().map(LogRecord::getMessage).toList());
  }

  private Optional<String> milterForward(String sender) {
    return milter
        .onEndOfMessage(TestTransaction.from(sender).to("carol@far.example"))
        .modifications()
        .stream()
        .filter(ChangeSender.class::isInstance)
        .map(m -> ((ChangeSender) m).address())
        .findFirst();
  }

  private LookupResult lookup(String table, String key) {
    return tables.get(table).lookup(key, new LookupContext());
  }

  private Decision bounceRcpt(String recipient) {
    return milter.onRecipient(
        TestTransaction.from("").client("192.0.2.1", 4711), new Recipient(recipient, List.of()));
  }

  private List<Modification> bounceSwap(String recipient) {
    return milter.onEndOfMessage(TestTransaction.from("").to(recipient)).modifications();
  }

  private double count(String name, String result) {
    return registry.get(name).tag("result", result).counter().count();
  }

  static String localPart(String address) {
    return address.substring(0, address.lastIndexOf('@'));
  }

  @Test
  void aLongSenderGetsAShortSrs0AddressAndItsBounceReversesOnBothPaths() throws Exception {
    build("");
    String srs = milterForward(LONG_SENDER).orElseThrow();
    assertTrue(
        srs.matches("SRS0=[A-Za-z0-9_-]{8}=[A-Z2-7]{2}=1=[0-9A-V]{26}@srs\\.test\\.example"), srs);
    assertTrue(localPart(srs).length() <= 64, srs);
    assertEquals(
        new LookupResult.Found(srs),
        lookup(SrsTables.FORWARD, LONG_SENDER),
        "the map writes the same");
    assertEquals(1, count("postwarden.srs.store.writes", "stored"));
    assertEquals(1, count("postwarden.srs.store.writes", "refreshed"));

    assertEquals(Verdict.CONTINUE, bounceRcpt(srs).verdict());
    assertTrue(bounceSwap(srs).contains(new AddRecipient(LONG_SENDER)));
    assertEquals(
        new LookupResult.Found(LONG_SENDER),
        lookup(SrsTables.REVERSE, srs.toLowerCase()),
        "case-smashed");
    assertInstanceOf(LookupResult.NotFound.class, lookup(SrsTables.VERIFY, srs));
    assertEquals(4, count("postwarden.srs.store.reads", "found"));
  }

  @Test
  void theStoreIsNeverAskedOnTheEventLoop() throws Exception {
    build("");
    String srs = milterForward(LONG_SENDER).orElseThrow();
    String ordinary = milterForward("ann@outside.example").orElseThrow();
    assertTrue(
        milter.mayBlock(
            Stage.END_OF_MESSAGE,
            (Transaction) TestTransaction.from(LONG_SENDER).to("carol@far.example")),
        "a long sender is written to the store");
    assertFalse(
        milter.mayBlock(
            Stage.END_OF_MESSAGE,
            (Transaction) TestTransaction.from("ann@outside.example").to("carol@far.example")),
        "a sender that fits is signed in memory");
    assertTrue(
        milter.mayBlock(Stage.RCPT, (Transaction) TestTransaction.from("").macro("rcpt_addr", srs)),
        "a bounce to a stored sender reads the store");
    assertFalse(
        milter.mayBlock(
            Stage.RCPT, (Transaction) TestTransaction.from("").macro("rcpt_addr", ordinary)));
    assertTrue(
        milter.mayBlock(Stage.END_OF_MESSAGE, (Transaction) TestTransaction.from("").to(srs)));
  }

  @Test
  void onlySendersThatWouldNotFitAreStored() throws Exception {
    build("");
    assertTrue(
        milterForward("ann@outside.example")
            .orElseThrow()
            .endsWith("=outside.example=ann@" + SRS_DOMAIN));
    assertEquals(0, count("postwarden.srs.store.writes", "stored"));
    assertFalse(Files.exists(dir.resolve("senders.sqlite")), "no store file for senders that fit");
  }

  @Test
  void aForgedKeyFailsTheHashBeforeTheStoreIsAsked() throws Exception {
    build("");
    String srs = milterForward(LONG_SENDER).orElseThrow();
    String key = srs.substring(srs.lastIndexOf('=') + 1, srs.indexOf('@'));
    String forged = srs.replace(key, key.substring(0, 25) + (key.charAt(25) == 'A' ? 'B' : 'A'));
    Decision decision = bounceRcpt(forged);
    assertEquals(Verdict.REJECT, decision.verdict());
    assertTrue(
        decision
            .reply()
            .toString()
            .startsWith("550 5.1.1 Invalid SRS address: SRS hash matches none"),
        decision.reply().toString());
    assertInstanceOf(LookupResult.NotFound.class, lookup(SrsTables.REVERSE, forged));
    for (String result : List.of("found", "missing", "unavailable")) {
      assertEquals(0, count("postwarden.srs.store.reads", result), result);
    }
  }

  @Test
  void aBounceTheStoreDoesNotKnowIsRefusedLikeAnExpiredAddress() throws Exception {
    build("");
    String srs = milterForward(LONG_SENDER).orElseThrow();
    // a second server with a store of its own: the bounce reaches the one that did not store the
    // sender
    Path elsewhere = Files.createDirectory(dir.resolve("server-b"));
    try (LongSenderModule otherStore = new LongSenderModule(clock)) {
      build(
          config("srs-store-file = \"" + elsewhere.resolve("senders.sqlite") + "\"\n"), otherStore);
      Decision decision = bounceRcpt(srs);
      assertEquals(Verdict.REJECT, decision.verdict());
      assertTrue(
          decision.reply().toString().contains("expired from the long-sender store"),
          decision.reply().toString());
      assertEquals(
          1, registry.get("postwarden.srs.refusals").tag("reason", "expired").counter().count());
      assertInstanceOf(LookupResult.NotFound.class, lookup(SrsTables.REVERSE, srs));
      assertEquals(2, count("postwarden.srs.store.reads", "missing"));
    }
  }

  @Test
  void theStoreKeepsASenderWhileItsAddressIsValidAndForgetsItAfter() throws Exception {
    build("");
    String srs = milterForward(LONG_SENDER).orElseThrow();
    clock.advance(Duration.ofDays(21));
    assertEquals(
        new LookupResult.Found(LONG_SENDER),
        lookup(SrsTables.REVERSE, srs),
        "21 days: still valid");
    assertInstanceOf(ReverseResult.Reversed.class, storedUnder(srs));
    clock.advance(Duration.ofDays(2));
    ReverseResult gone = storedUnder(srs);
    assertEquals(
        ReverseFailure.EXPIRED,
        assertInstanceOf(ReverseResult.Rejected.class, gone).reason(),
        "23 days after it was stored the entry is gone, whatever its address says");
  }

  /**
   * What the store has for the key in an SRS address, asked directly (past the day-stamp check).
   */
  private ReverseResult storedUnder(String srs) throws Exception {
    String key = localPart(srs).substring(localPart(srs).lastIndexOf('=') + 1);
    return store
        .longSenders(config(""), registry)
        .resolve(new ReverseResult.Reversed(key + "@1", SRS_DOMAIN));
  }

  @Test
  void aFloodOfMadeUpLongSendersStopsAtTheHourlyLimitAndIsCounted() throws Exception {
    build("srs-store-max-entries-per-hour = 3\n");
    for (int i = 0; i < 5; i++) {
      String sender = i + LONG_SENDER;
      Optional<String> rewritten = milterForward(sender);
      assertEquals(i < 3, rewritten.isPresent(), sender);
    }
    assertEquals(3, count("postwarden.srs.store.writes", "stored"));
    assertEquals(2, count("postwarden.srs.store.writes", "over_hourly_limit"));
    assertEquals(
        2, count("postwarden.srs.forward", "error"), "left unchanged, as before the store");
    assertInstanceOf(
        LookupResult.NotFound.class, lookup(SrsTables.FORWARD, "9" + LONG_SENDER), "the map too");
    assertEquals(3.0, registry.get("postwarden.srs.store.entries").gauge().value());
  }

  @Test
  void whileRedisIsDownLongSendersGoUnchangedAndTheirBouncesAreDeferred() throws Exception {
    try (RedisServer redis = RedisServer.start("")) {
      build("srs-store-redis = \"" + redis.uri() + "\"\nsrs-store-redis-timeout = 500ms\n");
      String srs = milterForward(LONG_SENDER).orElseThrow();
      assertEquals(new LookupResult.Found(LONG_SENDER), lookup(SrsTables.REVERSE, srs));
      redis.kill();

      assertEquals(
          Optional.empty(),
          milterForward("another-" + LONG_SENDER),
          "sent unchanged, not deferred");
      assertEquals(1, count("postwarden.srs.store.writes", "unavailable"));
      Decision rcpt = bounceRcpt(srs);
      assertEquals(Verdict.TEMPFAIL, rcpt.verdict());
      assertEquals(
          "451 4.3.0 Cannot look up this SRS address now; try again later",
          rcpt.reply().toString());
      assertEquals(
          Verdict.TEMPFAIL, milter.onEndOfMessage(TestTransaction.from("").to(srs)).verdict());
      assertEquals(new LookupResult.Found(rcpt.reply().toString()), lookup(SrsTables.VERIFY, srs));
      assertInstanceOf(
          LookupResult.Failed.class, lookup(SrsTables.REVERSE, srs), "cleanup defers the message");
      assertEquals(
          4,
          registry
              .get("postwarden.srs.refusals")
              .tag("reason", "store_unavailable")
              .counter()
              .count());
    }
  }

  @Test
  void fromRepairNeverShowsAStoredSendersKey() throws Exception {
    build("");
    String srs = milterForward(LONG_SENDER).orElseThrow();
    Policy fromRepair =
        new SrsModule(clock, store)
            .policies(config(""), registry).stream()
                .filter(p -> p.name().equals("from-repair"))
                .findFirst()
                .orElseThrow();
    // relayed on by another server of the site, without a From: of its own
    List<Modification> added =
        fromRepair
            .onEndOfMessage(TestTransaction.from(srs).to("carol@far.example"))
            .modifications();
    assertEquals(List.of(new Modification.AddHeader("From", "undisclosed-sender:;")), added);
  }

  @Test
  void skipLeavesLongSendersAsTheyWere() throws Exception {
    build("srs-long-senders = skip\n");
    assertEquals(Optional.empty(), milterForward(LONG_SENDER));
    assertInstanceOf(LookupResult.NotFound.class, lookup(SrsTables.FORWARD, LONG_SENDER));
    assertFalse(Files.exists(dir.resolve("senders.sqlite")));
  }
}
