package io.postwarden.audit;

import static io.postwarden.core.session.SessionDriver.codes;
import static io.postwarden.core.testing.MilterPacketIO.connectPayload;
import static io.postwarden.core.testing.MilterPacketIO.int32s;
import static io.postwarden.core.testing.MilterPacketIO.macroPayload;
import static io.postwarden.core.testing.MilterPacketIO.strings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.postwarden.audit.journal.JournalReceiver;
import io.postwarden.audit.journal.NativeProtocol;
import io.postwarden.core.config.Config;
import io.postwarden.core.module.ChainBuilder;
import io.postwarden.core.policy.Policy;
import io.postwarden.core.session.SessionDriver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The guard and the audit tags as the daemon assembles them (guard first, audit last), in a real
 * milter session: what the guard refuses, and what the audit record says it decided.
 */
class GuardInSessionTest {

  private static final byte[] NOTHING = new byte[0];

  @TempDir Path dir;

  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  Policy audit;
  SessionDriver session;

  void start(String settings) throws Exception {
    Config config =
        Config.parse(
            settings
                + "\npeer-lookup = false\naudit-log = \""
                + dir.resolve("audit.log")
                + "\"\naudit-key-file = \""
                + dir.resolve("audit.key")
                + "\"\n",
            "test",
            AuditKeys.SCHEMA);
    ChainBuilder chain = new ChainBuilder(registry);
    new AuditModule().build(config, chain);
    List<Policy> policies = chain.policies();
    audit = policies.get(policies.size() - 1);
    session = new SessionDriver(policies.toArray(Policy[]::new));
    assertEquals("O", codes(session.send('O', int32s(6, 0x1ff, 0x1fffff))));
  }

  void connect(char family, String address, Map<String, String> macros) {
    session.send('D', macroPayload('C', macros));
    assertEquals(
        "c", codes(session.send('C', connectPayload("localhost", family, 40000, address))));
    assertEquals("c", codes(session.send('H', strings("client.example"))));
  }

  /**
   * MAIL with the given MAIL-stage macros; the reply's command code ('c' continue, 'y' reply code).
   */
  String mail(Map<String, String> macros) {
    session.send('D', macroPayload('M', macros));
    return codes(session.send('M', strings("<app@shop.example>")));
  }

  void deliver() {
    assertEquals("c", codes(session.send('R', strings("<victim@far.example>"))));
    assertEquals("c", codes(session.send('T', NOTHING)));
    assertEquals("c", codes(session.send('N', NOTHING)));
    assertTrue(codes(session.send('E', NOTHING)).endsWith("c"));
    session.send('A', NOTHING);
  }

  /** Closes the audit log (it writes asynchronously) and returns its records. */
  List<String> records() throws Exception {
    ((AutoCloseable) audit).close();
    return Files.readAllLines(dir.resolve("audit.log"));
  }

  double decisions(String decision, String client) {
    return registry
        .get("postwarden.guard.decisions")
        .tags("decision", decision, "client", client)
        .counter()
        .count();
  }

  @Test
  void clientOfAUnixSocketSmtpdIsRefusedUnlessItLoggedIn() throws Exception {
    start("");
    connect('U', null, Map.of("j", "mx.example"));

    assertEquals("y", mail(Map.of()));
    assertEquals("c", mail(Map.of("{auth_authen}", "alice")));
    deliver();

    assertEquals(1, decisions("refused", "non_tcp"));
    assertEquals(1, decisions("authenticated", "non_tcp"));
    List<String> records = records();
    assertEquals(2, records.size(), records::toString);
    assertTrue(records.get(0).contains("\"event\":\"refuse\""), records.get(0));
    assertTrue(records.get(0).contains("\"client_kind\":\"non_tcp\""), records.get(0));
    assertTrue(records.get(1).contains("\"event\":\"accept\""), records.get(1));
    assertTrue(records.get(1).contains("\"decision\":\"authenticated\""), records.get(1));
  }

  @Test
  void authMacrosBeforeMailDoNotGetPastTheGuard() throws Exception {
    start("");
    connect('4', "127.0.0.1", Map.of("j", "mx.example", "{auth_authen}", "mallory"));

    assertEquals("y", mail(Map.of("{mail_addr}", "app@shop.example")));
    assertEquals(1, decisions("refused", "local_tcp"));
    assertEquals(0, decisions("authenticated", "local_tcp"));
  }

  @Test
  void withTheGuardOffTheRecordSaysItWouldHaveRefused() throws Exception {
    start("guard = false");
    connect('4', "127.0.0.1", Map.of("j", "mx.example"));

    assertEquals("c", mail(Map.of()));
    deliver();

    List<String> records = records();
    assertEquals(1, records.size(), records::toString);
    assertTrue(records.get(0).contains("\"event\":\"accept\""), records.get(0));
    assertTrue(records.get(0).contains("\"decision\":\"would_refuse\""), records.get(0));
    assertEquals(1, decisions("would_refuse", "local_tcp"));
    assertEquals(0, decisions("refused", "local_tcp"));
  }

  @Test
  void withTheGuardOnTheRecordSaysWhatTheGuardDecided() throws Exception {
    start("guard-allow-networks = { \"127.0.0.5/32\" }");
    connect('4', "127.0.0.5", Map.of("j", "mx.example"));

    assertEquals("c", mail(Map.of()));
    deliver();

    List<String> records = records();
    assertEquals(1, records.size(), records::toString);
    assertTrue(records.get(0).contains("\"decision\":\"allowed_network\""), records.get(0));
    assertEquals(1, decisions("allowed_network", "local_tcp"));
  }

  @Test
  void withAuditJournalOnEachRecordAlsoGoesToTheJournal() throws Exception {
    Path socket = dir.resolve("journal.sock");
    try (JournalReceiver journald = new JournalReceiver(socket)) {
      start("guard = false\naudit-journal = true\naudit-journal-socket = \"" + socket + "\"");
      connect('4', "127.0.0.1", Map.of("j", "mx.example"));
      mail(Map.of());
      deliver();

      List<String> records = records();
      Map<String, String> entry = NativeProtocol.fields(journald.next().orElseThrow());
      assertEquals(records.get(0), entry.get("POSTWARDEN_RECORD"));
      assertEquals("would_refuse", entry.get("POSTWARDEN_DECISION"));
      assertEquals("5", entry.get("PRIORITY"));
    }
  }

  @Test
  void theJournalIsOffByDefault() throws Exception {
    Path socket = dir.resolve("journal.sock");
    try (JournalReceiver journald = new JournalReceiver(socket)) {
      start("guard = false\naudit-journal-socket = \"" + socket + "\"");
      connect('4', "127.0.0.1", Map.of("j", "mx.example"));
      mail(Map.of());
      deliver();

      assertEquals(1, records().size());
      assertTrue(journald.next().isEmpty());
    }
  }
}
