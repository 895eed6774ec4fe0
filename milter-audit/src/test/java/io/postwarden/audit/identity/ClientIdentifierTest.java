package io.postwarden.audit.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.postwarden.audit.guard.LocalAddresses;
import io.postwarden.audit.process.MaildropSubmitterLookup;
import io.postwarden.audit.process.PeerLookupResult;
import io.postwarden.audit.process.PeerLookupResult.Found;
import io.postwarden.audit.process.PeerLookupResult.NotFound;
import io.postwarden.audit.process.PeerLookupResult.OwnerOnly;
import io.postwarden.audit.process.PeerProcess;
import io.postwarden.audit.process.PeerProcessLookup;
import io.postwarden.audit.process.Submitter;
import io.postwarden.core.policy.ClientAddress;
import io.postwarden.core.policy.Connection;
import io.postwarden.core.policy.MailOrigin;
import io.postwarden.core.policy.MilterLink;
import io.postwarden.core.testing.TestTransaction;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class ClientIdentifierTest {

  static final InetAddress OWN_ADDRESS = ip("192.0.2.10");
  static final PeerLookupResult FOUND =
      new Found(
          new PeerProcess(
              812,
              33,
              "www-data",
              "/usr/sbin/php-fpm8.2",
              List.of("php-fpm: pool www"),
              false,
              "php8.2-fpm.service"));

  /** The process-lookup boundary: answers as told and records each question. */
  static final class CountingLookup implements PeerProcessLookup {
    final List<List<InetSocketAddress>> calls = Collections.synchronizedList(new ArrayList<>());
    volatile PeerLookupResult answer = FOUND;

    @Override
    public PeerLookupResult lookup(InetSocketAddress client, InetSocketAddress server) {
      calls.add(List.of(client, server));
      return answer;
    }
  }

  static final CommandLineRedactor REDACTOR = new CommandLineRedactor(true, List.of());

  @TempDir Path dir;

  final CountingLookup lookup = new CountingLookup();
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final LocalAddresses localAddresses =
      new LocalAddresses(
          () -> Set.of(OWN_ADDRESS),
          Duration.ofSeconds(5),
          Clock.fixed(java.time.Instant.parse("2026-11-25T10:00:00Z"), java.time.ZoneOffset.UTC));
  final ClientIdentifier identifier =
      new ClientIdentifier(
          localAddresses,
          Optional.of(lookup),
          Optional.empty(),
          REDACTOR,
          new IdentityMetrics(registry));

  static InetAddress ip(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  static ClientIdentity identity(ClientKind kind, Optional<PeerLookupResult> peer) {
    return new ClientIdentity(kind, peer, Optional.empty());
  }

  static TestTransaction session(String client, int port, String daemonAddr, String daemonPort) {
    TestTransaction tx = TestTransaction.from("app@example.org").client(client, port);
    if (daemonAddr != null) {
      tx.macro("daemon_addr", daemonAddr);
    }
    if (daemonPort != null) {
      tx.macro("daemon_port", daemonPort);
    }
    return tx;
  }

  /**
   * A session with some answers replaced ("client", "milterLink"), for what TestTransaction cannot
   * say; everything else is the TestTransaction's (a proxy, so it follows changes to the Connection
   * interface).
   */
  static Connection overriding(TestTransaction tx, Map<String, Object> answers) {
    return (Connection)
        Proxy.newProxyInstance(
            Connection.class.getClassLoader(),
            new Class<?>[] {Connection.class},
            (proxy, method, args) -> {
              if (method.getParameterCount() == 0 && answers.containsKey(method.getName())) {
                return answers.get(method.getName());
              }
              try {
                return method.invoke(tx, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }

  long lookupsRecorded(String result) {
    Timer timer = registry.find("postwarden.peer.lookup.duration").tag("result", result).timer();
    return timer == null ? 0 : timer.count();
  }

  long lookupsRecorded() {
    return registry.find("postwarden.peer.lookup.duration").timers().stream()
        .mapToLong(Timer::count)
        .sum();
  }

  @Test
  void looksUpALocalClientOncePerSession() {
    TestTransaction tx = session("127.0.0.1", 43210, "127.0.0.1", "25");

    ClientIdentity first = identifier.of(tx.connection());
    ClientIdentity second = identifier.of(tx.connection());
    ClientIdentity third = identifier.of(tx.connection());

    assertEquals(1, lookup.calls.size());
    assertSame(first, second);
    assertSame(first, third);
    assertEquals(identity(ClientKind.LOCAL_TCP, Optional.of(FOUND)), first);
    assertEquals(
        Optional.of(first), tx.attributes().get(ClientIdentity.class), "kept in the session");
    assertEquals(1, lookupsRecorded("found"));
    assertEquals(1, lookupsRecorded());
  }

  @Test
  void eachSessionHasItsOwnLookup() {
    identifier.of(session("127.0.0.1", 40001, "127.0.0.1", "25"));
    identifier.of(session("127.0.0.1", 40002, "127.0.0.1", "25"));

    assertEquals(2, lookup.calls.size());
  }

  @Test
  void asksAboutTheClientAndDaemonEndpointsFromTheMacros() {
    identifier.of(session("127.0.0.1", 43210, "127.0.0.1", "587"));
    identifier.of(session("::1", 50123, "::1", "25"));
    identifier.of(session("192.0.2.10", 40000, "192.0.2.10", "25"));
    identifier.of(session("127.0.0.2", 40001, "::ffff:127.0.0.1", "10025"));

    assertEquals(
        List.of(
            List.of(
                new InetSocketAddress(ip("127.0.0.1"), 43210),
                new InetSocketAddress(ip("127.0.0.1"), 587)),
            List.of(new InetSocketAddress(ip("::1"), 50123), new InetSocketAddress(ip("::1"), 25)),
            List.of(
                new InetSocketAddress(OWN_ADDRESS, 40000), new InetSocketAddress(OWN_ADDRESS, 25)),
            List.of(
                new InetSocketAddress(ip("127.0.0.2"), 40001),
                new InetSocketAddress(ip("127.0.0.1"), 10025))),
        lookup.calls);
  }

  @Test
  void keepsOnlyTheRedactedCommandLine() {
    lookup.answer =
        new Found(
            new PeerProcess(
                812,
                33,
                "www-data",
                "/usr/bin/mysql",
                List.of("mysql", "-uapp", "-phunter2", "shop"),
                true,
                "cron.service"));

    ClientIdentity identity = identifier.of(session("127.0.0.1", 43210, "127.0.0.1", "25"));

    assertEquals(
        Optional.of(
            new Found(
                new PeerProcess(
                    812,
                    33,
                    "www-data",
                    "/usr/bin/mysql",
                    List.of("mysql", "-uapp", "-p***", "shop"),
                    true,
                    "cron.service"))),
        identity.peer());
    assertFalse(
        identity.peer().orElseThrow().toString().contains("hunter2"),
        "log lines print the identity");
  }

  @Test
  void keepsWhateverTheLookupSaid() {
    lookup.answer = new OwnerOnly(33, "www-data", "no permission");
    assertEquals(
        identity(ClientKind.LOCAL_TCP, Optional.of(lookup.answer)),
        identifier.of(session("127.0.0.1", 1, "127.0.0.1", "25")));
    assertEquals(1, lookupsRecorded("owner_only"));

    lookup.answer = new NotFound("gone");
    assertEquals(
        identity(ClientKind.LOCAL_TCP, Optional.of(lookup.answer)),
        identifier.of(session("127.0.0.1", 2, "127.0.0.1", "25")));
    assertEquals(1, lookupsRecorded("not_found"));
    assertEquals(0, lookupsRecorded("found"));
  }

  @Test
  void remoteClientsAreNotLookedUp() {
    TestTransaction tx = session("198.51.100.7", 50000, "192.0.2.10", "25");

    ClientIdentity identity = identifier.of(tx);
    identifier.of(tx);

    assertEquals(identity(ClientKind.REMOTE, Optional.empty()), identity);
    assertEquals(
        ClientKind.REMOTE, identifier.of(session("2001:db8::99", 1, "2001:db8::10", "25")).kind());
    assertTrue(lookup.calls.isEmpty());
    assertEquals(0, lookupsRecorded());
  }

  @Test
  void onlyALocalClientWhoseProcessIsNotKnownYetMayBlock() {
    assertFalse(identifier.mayBlock(session("203.0.113.7", 43210, "192.0.2.10", "25")), "remote");
    assertFalse(
        identifier.mayBlock(
            session(OWN_ADDRESS.getHostAddress(), 43210, "192.0.2.10", "25")
                .origin(MailOrigin.NON_SMTPD)),
        "sendmail(1) without the submitter lookup");
    TestTransaction local = session("127.0.0.1", 43210, "127.0.0.1", "25");
    assertTrue(identifier.mayBlock(local));
    identifier.of(local);
    assertFalse(identifier.mayBlock(local), "looked up once per connection");
    ClientIdentifier noLookups =
        new ClientIdentifier(
            localAddresses,
            Optional.empty(),
            Optional.empty(),
            REDACTOR,
            new IdentityMetrics(registry));
    assertFalse(noLookups.mayBlock(session("127.0.0.1", 43210, "127.0.0.1", "25")));
  }

  @Test
  void localClientsAreNotLookedUpWhenLookupsAreOff() {
    ClientIdentifier noLookups =
        new ClientIdentifier(
            localAddresses,
            Optional.empty(),
            Optional.empty(),
            REDACTOR,
            new IdentityMetrics(registry));

    ClientIdentity identity = noLookups.of(session("127.0.0.1", 43210, "127.0.0.1", "25"));

    assertEquals(identity(ClientKind.LOCAL_TCP, Optional.empty()), identity);
    assertEquals(Optional.empty(), identity.unixUser());
    assertTrue(lookup.calls.isEmpty());
    assertEquals(0, lookupsRecorded());
  }

  @ParameterizedTest(name = "daemon_addr={0} daemon_port={1}")
  @CsvSource(
      nullValues = "none",
      value = {
        "none,       none",
        "127.0.0.1,  none",
        "none,       25",
      })
  void notFoundWhenTheDaemonMacrosAreMissing(String daemonAddr, String daemonPort) {
    ClientIdentity identity = identifier.of(session("127.0.0.1", 43210, daemonAddr, daemonPort));

    assertEquals(ClientKind.LOCAL_TCP, identity.kind());
    NotFound notFound = assertInstanceOf(NotFound.class, identity.peer().orElseThrow());
    assertTrue(notFound.reason().contains("{daemon_addr}/{daemon_port}"), notFound.reason());
    assertTrue(lookup.calls.isEmpty(), "no lookup without the server end of the connection");
    assertEquals(1, lookupsRecorded("not_found"));
  }

  @ParameterizedTest(name = "daemon_addr={0} daemon_port={1}")
  @CsvSource({
    "localhost,  25",
    "127.0.0.1,  smtp",
    "127.0.0.1,  ''",
  })
  void notFoundWhenTheDaemonMacrosAreUnusable(String daemonAddr, String daemonPort) {
    ClientIdentity identity = identifier.of(session("127.0.0.1", 43210, daemonAddr, daemonPort));

    assertInstanceOf(NotFound.class, identity.peer().orElseThrow());
    assertTrue(lookup.calls.isEmpty());
  }

  @ParameterizedTest(name = "daemon_port={0}")
  @CsvSource({"70000", "-1"})
  void notFoundWhenTheDaemonPortIsOutOfRange(String daemonPort) {
    ClientIdentity identity = identifier.of(session("127.0.0.1", 43210, "127.0.0.1", daemonPort));

    assertInstanceOf(NotFound.class, identity.peer().orElseThrow());
    assertTrue(lookup.calls.isEmpty());
  }

  @Test
  void unixUserComesFromFoundOwnerOnlyOrSubmitter() {
    assertEquals(
        Optional.of("www-data"), identity(ClientKind.LOCAL_TCP, Optional.of(FOUND)).unixUser());
    assertEquals(
        Optional.of("www-data"),
        identity(ClientKind.LOCAL_TCP, Optional.of(new OwnerOnly(33, "www-data", "x"))).unixUser());
    assertEquals(
        Optional.empty(),
        identity(ClientKind.LOCAL_TCP, Optional.of(new OwnerOnly(33, null, "x"))).unixUser());
    assertEquals(
        Optional.empty(),
        identity(ClientKind.LOCAL_TCP, Optional.of(new NotFound("x"))).unixUser());
    assertEquals(Optional.empty(), identity(ClientKind.REMOTE, Optional.empty()).unixUser());
    assertEquals(
        Optional.of("alice"),
        new ClientIdentity(
                ClientKind.SENDMAIL,
                Optional.empty(),
                Optional.of(new Submitter(1000, "alice", "maildrop/ABC")))
            .unixUser());
    assertEquals(
        Optional.empty(),
        new ClientIdentity(
                ClientKind.SENDMAIL,
                Optional.empty(),
                Optional.of(new Submitter(1000, null, "maildrop/ABC")))
            .unixUser());
  }

  /**
   * Fail closed: whatever is not a TCP peer with an address is a local process, never a remote
   * client.
   */
  static List<ClientAddress> nonTcpClients() {
    return List.of(
        ClientAddress
            .UNKNOWN, // family 'U': a unix-socket smtpd service, reported as localhost[127.0.0.1]
        new ClientAddress(ClientAddress.Family.UNIX, null, 0, "/run/smtpd"), // family 'L'
        new ClientAddress(ClientAddress.Family.INET4, null, 25, null),
        new ClientAddress(ClientAddress.Family.INET6, null, 25, null));
  }

  @ParameterizedTest
  @MethodSource("nonTcpClients")
  void clientThatIsNotAProvenTcpPeerIsLocalButNotLookedUp(ClientAddress client) {
    Connection connection =
        overriding(session("198.51.100.7", 1, "192.0.2.10", "25"), Map.of("client", client));

    ClientIdentity identity = identifier.of(connection);

    assertEquals(identity(ClientKind.NON_TCP, Optional.empty()), identity);
    assertTrue(identity.kind().localSmtp());
    assertTrue(lookup.calls.isEmpty());
  }

  @Test
  void onlyATcpPeerWithAForeignAddressIsRemote() {
    assertEquals(
        ClientKind.REMOTE, identifier.of(session("198.51.100.7", 1, "192.0.2.10", "25")).kind());
    assertEquals(
        ClientKind.LOCAL_TCP, identifier.of(session("127.0.0.9", 1, "127.0.0.1", "25")).kind());
    assertEquals(
        ClientKind.LOCAL_TCP, identifier.of(session("192.0.2.10", 1, "192.0.2.10", "25")).kind());
    assertFalse(ClientKind.REMOTE.localSmtp());
    assertFalse(ClientKind.SENDMAIL.localSmtp());
  }

  @Test
  void sendmailSessionsAreNeverPeerLookedUpEvenFromLoopback() {
    TestTransaction tx =
        session("127.0.0.1", 43210, "127.0.0.1", "25").origin(MailOrigin.NON_SMTPD);

    assertEquals(
        new ClientIdentity(ClientKind.SENDMAIL, Optional.empty(), Optional.empty()),
        identifier.of(tx));
    assertTrue(lookup.calls.isEmpty());
    assertEquals(0, lookupsRecorded());
  }

  @Test
  void sendmailSubmitterIsSoughtThroughTheMilterConnection() {
    // the submitter lookup starts from the cleanup process holding Postfix's end of the milter
    // connection
    lookup.answer = new NotFound("cleanup gone");
    ClientIdentifier withSubmitters =
        new ClientIdentifier(
            localAddresses,
            Optional.of(lookup),
            Optional.of(
                new MaildropSubmitterLookup(dir.resolve("proc"), dir.resolve("passwd"), lookup)),
            REDACTOR,
            new IdentityMetrics(registry));
    InetSocketAddress cleanup = new InetSocketAddress(ip("127.0.0.1"), 51000);
    InetSocketAddress listener = new InetSocketAddress(ip("127.0.0.1"), 8891);
    Connection sendmail =
        overriding(
            TestTransaction.from("root@host.example").origin(MailOrigin.NON_SMTPD),
            Map.of("milterLink", new MilterLink(cleanup, listener)));

    ClientIdentity identity = withSubmitters.of(sendmail);
    withSubmitters.of(sendmail);

    assertEquals(
        List.of(List.of(cleanup, listener)),
        lookup.calls,
        "once per session, with both milter ends");
    assertEquals(
        new ClientIdentity(ClientKind.SENDMAIL, Optional.empty(), Optional.empty()), identity);
  }

  @Test
  void noSubmitterLookupWithoutATcpMilterConnection() {
    ClientIdentifier withSubmitters =
        new ClientIdentifier(
            localAddresses,
            Optional.of(lookup),
            Optional.of(
                new MaildropSubmitterLookup(dir.resolve("proc"), dir.resolve("passwd"), lookup)),
            REDACTOR,
            new IdentityMetrics(registry));
    // TestTransaction's milter link has no ends, as for a UNIX-socket listener
    TestTransaction tx = TestTransaction.from("root@host.example").origin(MailOrigin.NON_SMTPD);

    assertEquals(Optional.empty(), withSubmitters.of(tx).submitter());
    assertTrue(lookup.calls.isEmpty());
  }
}
