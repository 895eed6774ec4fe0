package io.postwarden.core.server;

import static io.postwarden.core.testing.MilterPacketIO.*;
import static org.junit.jupiter.api.Assertions.*;

import io.postwarden.core.policy.ClientAddress;
import io.postwarden.core.policy.Decision;
import io.postwarden.core.policy.MailOrigin;
import io.postwarden.core.policy.MilterLink;
import io.postwarden.core.policy.Modification.AddHeader;
import io.postwarden.core.policy.Modification.Capability;
import io.postwarden.core.policy.PeerCredentials;
import io.postwarden.core.protocol.ProtocolException;
import io.postwarden.core.session.ConnectionDrop;
import io.postwarden.core.session.SessionObserver;
import io.postwarden.core.testing.MtaEmulator;
import io.postwarden.core.testing.MtaReply;
import io.postwarden.core.testing.ScriptedPolicy;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Socket-level behaviour, including immunity to each jmilter 0.6.1 defect listed in
 * docs/jmilter.md.
 */
class MilterServerTest {

  private static MtaEmulator negotiated(MtaEmulator mta) throws IOException {
    assertEquals('O', mta.negotiate().code());
    return mta;
  }

  private static List<MtaReply> passThrough(MtaEmulator mta) throws IOException {
    mta.openSession("127.0.0.1", 40000);
    return mta.transaction("a@x.example", List.of("b@y.example"), Map.of("Subject", "hi"));
  }

  @Test
  void oversizedLengthPrefixClosesThatSessionOnlyWithoutBufferingIt() throws Exception {
    List<ProtocolException.Kind> errors = new CopyOnWriteArrayList<>();
    SessionObserver observer =
        new SessionObserver() {
          @Override
          public void protocolError(ProtocolException.Kind kind, String detail) {
            errors.add(kind);
          }
        };
    try (RunningServer server =
            new RunningServer(
                RunningServer.settings("inet:127.0.0.1:0"), Duration.ofSeconds(5), observer);
        MtaEmulator healthy = MtaEmulator.connect(server.address());
        MtaEmulator hostile = MtaEmulator.connect(server.address())) {
      healthy.openSession("127.0.0.1", 1);
      // announce 256 MiB (jmilter would try to buffer it and run out of direct memory)
      hostile.sendRaw(new byte[] {0x10, 0, 0, 0, 'B', 1, 2, 3});
      assertEquals('t', hostile.read().code());
      assertTrue(hostile.closedByPeer());
      assertEquals(List.of(ProtocolException.Kind.FRAME_TOO_LONG), errors);
      assertEquals(
          'c', healthy.transaction("a@x.example", List.of("b@y.example"), Map.of()).get(0).code());
    }
  }

  @Test
  void garbageDoesNotDisturbConcurrentSessions() throws Exception {
    try (RunningServer server = new RunningServer();
        MtaEmulator healthy = MtaEmulator.connect(server.address())) {
      healthy.openSession("127.0.0.1", 1);
      for (byte[] garbage :
          List.of(
              "GET / HTTP/1.0\r\n\r\n".getBytes(),
              new byte[] {0, 0, 0, 0},
              new byte[] {0, 0, 0, 1, 'Z'},
              new byte[] {0, 0, 0, 2, 'O', 1})) {
        try (MtaEmulator junk = MtaEmulator.connect(server.address())) {
          junk.sendRaw(garbage);
          assertTrue(junk.closedByPeer(), "garbage session must be closed");
        }
      }
      assertEquals(
          "c",
          healthy.transaction("a@x.example", List.of("b@y.example"), Map.of()).get(0).toString());
    }
  }

  @Test
  void blockingPolicyStallsOnlyItsOwnSession() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    ScriptedPolicy slow =
        new ScriptedPolicy("slow")
            .onMail(
                tx -> {
                  if (tx.sender().startsWith("slow")) {
                    try {
                      release.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                  }
                  return Decision.CONTINUE;
                });
    try (RunningServer server = new RunningServer(slow);
        MtaEmulator stuck = MtaEmulator.connect(server.address());
        MtaEmulator other = MtaEmulator.connect(server.address())) {
      stuck.openSession("127.0.0.1", 1);
      other.openSession("127.0.0.1", 2);
      stuck.send('M', strings("<slow@x.example>"));
      // the other session runs a whole transaction while the first one's policy is still blocked
      assertEquals(
          'c', other.transaction("fast@x.example", List.of("b@y.example"), Map.of()).get(0).code());
      assertEquals(1, release.getCount(), "the slow policy must still be blocked");
      release.countDown();
      assertEquals('c', stuck.read().code());
    }
  }

  @Test
  void commandsPipelinedBehindAPolicyCallAreAnsweredInOrder() throws Exception {
    ScriptedPolicy policy =
        new ScriptedPolicy("p")
            .onMail(
                tx -> {
                  sleep(100);
                  return Decision.CONTINUE;
                });
    try (RunningServer server = new RunningServer(policy);
        MtaEmulator mta = MtaEmulator.connect(server.address())) {
      mta.openSession("127.0.0.1", 1);
      mta.sendRaw(
          concat(
              packet('M', strings("<a@x.example>")),
              packet('R', strings("<b@y.example>")),
              packet('T', new byte[0])));
      assertEquals("ccc", "" + mta.read().code() + mta.read().code() + mta.read().code());
    }
  }

  @Test
  void policyThatMissesItsDeadlineTempfails() throws Exception {
    ScriptedPolicy hung =
        new ScriptedPolicy("hung")
            .onMail(
                tx -> {
                  sleep(3_000);
                  return Decision.CONTINUE;
                });
    try (RunningServer server =
            new RunningServer(
                RunningServer.settings("inet:127.0.0.1:0"),
                Duration.ofMillis(200),
                new SessionObserver() {},
                hung);
        MtaEmulator mta = MtaEmulator.connect(server.address())) {
      mta.openSession("127.0.0.1", 1);
      long start = System.nanoTime();
      MtaReply reply = mta.mail("<a@x.example>");
      assertEquals('y', reply.code());
      assertTrue(reply.text().startsWith("451 4.3.0"), reply.text());
      assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(2));
    }
  }

  @Test
  void endOfMessageModificationsAndVerdictArriveInOneSegment() throws Exception {
    ScriptedPolicy audit =
        new ScriptedPolicy("audit")
            .may(Capability.ADD_HEADERS)
            .onEndOfMessage(
                tx ->
                    Decision.modify(
                        new AddHeader("X-Postwarden-Test", "1"),
                        new AddHeader("X-Postwarden-Test", "2")));
    try (RunningServer server = new RunningServer(audit);
        MtaEmulator mta = MtaEmulator.connect(server.address())) {
      List<MtaReply> replies = passThrough(mta);
      assertEquals("[h X-Postwarden-Test|1|, h X-Postwarden-Test|2|, c]", replies.toString());
    }
  }

  @Test
  void ipv6AndUnknownFamilyConnectsReachThePolicy() throws Exception {
    List<ClientAddress> clients = new CopyOnWriteArrayList<>();
    ScriptedPolicy policy =
        new ScriptedPolicy("p")
            .onConnect(
                c -> {
                  clients.add(c.client());
                  return Decision.CONTINUE;
                });
    try (RunningServer server = new RunningServer(policy);
        MtaEmulator v6 = MtaEmulator.connect(server.address());
        MtaEmulator unknown = MtaEmulator.connect(server.address())) {
      v6.negotiate();
      assertEquals('c', v6.connectInet("localhost", "::1", 50123).code());
      unknown.negotiate();
      assertEquals('c', unknown.command('C', concat(strings("unknown"), new byte[] {'U'})).code());
      assertEquals(
          List.of("[0:0:0:0:0:0:0:1]:50123", "unknown"),
          clients.stream().map(Object::toString).toList());
    }
  }

  @Test
  void theListenerTellsSmtpdFromNonSmtpdSessions() throws Exception {
    List<String> origins = new CopyOnWriteArrayList<>();
    ScriptedPolicy policy =
        new ScriptedPolicy("p")
            .onConnect(
                c -> {
                  origins.add(c.origin() + " " + c.client());
                  return Decision.CONTINUE;
                });
    ServerSettings settings =
        RunningServer.settings(
            List.of(
                new Listener(Endpoint.parse("inet:127.0.0.1:0"), MailOrigin.SMTPD),
                new Listener(Endpoint.parse("inet:127.0.0.1:0"), MailOrigin.NON_SMTPD)),
            RunningServer.limits(10, 10, Duration.ofMinutes(1)));
    try (RunningServer server =
            new RunningServer(settings, Duration.ofSeconds(5), new SessionObserver() {}, policy);
        MtaEmulator smtpd = MtaEmulator.connect(server.server.boundAddresses().get(0));
        MtaEmulator pickup = MtaEmulator.connect(server.server.boundAddresses().get(1))) {
      smtpd.negotiate();
      smtpd.connectInet("localhost", "127.0.0.1", 0);
      pickup.negotiate();
      pickup.connectInet("localhost", "127.0.0.1", 0);
      assertEquals(List.of("SMTPD 127.0.0.1:0", "NON_SMTPD 127.0.0.1:0"), origins);
    }
  }

  @Test
  void aFixedEndpointCannotServeBothPaths() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            RunningServer.settings(
                List.of(
                    new Listener(Endpoint.parse("inet:127.0.0.1:8895"), MailOrigin.SMTPD),
                    new Listener(Endpoint.parse("inet:127.0.0.1:8895"), MailOrigin.NON_SMTPD)),
                RunningServer.limits(10, 10, Duration.ofMinutes(1))));
  }

  @Test
  void idleSessionIsClosed() throws Exception {
    ServerSettings settings =
        RunningServer.settings(
            RunningServer.listeners("inet:127.0.0.1:0"),
            RunningServer.limits(100, 100, Duration.ofMillis(300)));
    try (RunningServer server =
            new RunningServer(settings, Duration.ofSeconds(5), new SessionObserver() {});
        MtaEmulator mta = MtaEmulator.connect(server.address())) {
      mta.negotiate();
      assertTrue(mta.closedByPeer());
    }
  }

  @Test
  void sessionsBeyondTheLimitAreRefused() throws Exception {
    ServerSettings settings =
        RunningServer.settings(
            RunningServer.listeners("inet:127.0.0.1:0"),
            RunningServer.limits(1, 1, Duration.ofMinutes(1)));
    try (RunningServer server =
            new RunningServer(settings, Duration.ofSeconds(5), new SessionObserver() {});
        MtaEmulator first = MtaEmulator.connect(server.address())) {
      first.negotiate();
      try (MtaEmulator second = MtaEmulator.connect(server.address())) {
        assertTrue(second.closedByPeer());
      }
      assertEquals('c', first.connectInet("h", "127.0.0.1", 1).code());
    }
  }

  @Test
  void unixSocketListenerTakesItsGroupAndModeAndKnowsWhoConnected(@TempDir Path dir)
      throws Exception {
    Path socket = dir.resolve("milter.sock");
    List<MilterLink> links = new CopyOnWriteArrayList<>();
    ScriptedPolicy policy =
        new ScriptedPolicy("p")
            .onConnect(
                c -> {
                  links.add(c.milterLink());
                  return Decision.CONTINUE;
                });
    ServerSettings settings =
        new ServerSettings(
            RunningServer.listeners("unix:" + socket),
            1 << 20,
            RunningServer.limits(10, 10, Duration.ofMinutes(1)),
            new SocketAccess("nogroup", PosixFilePermissions.fromString("rw-rw----")),
            RunningServer.settings("inet:127.0.0.1:0").sessionLimits(),
            Duration.ofSeconds(1));
    try (RunningServer server =
            new RunningServer(settings, Duration.ofSeconds(5), new SessionObserver() {}, policy);
        MtaEmulator mta = MtaEmulator.connect(UnixDomainSocketAddress.of(socket))) {
      assertEquals(
          "rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
      assertEquals(
          "nogroup", Files.readAttributes(socket, PosixFileAttributes.class).group().getName());
      negotiated(mta);
      assertSame(MtaReply.UNANSWERED, mta.connectInet("[127.0.0.1]", "127.0.0.1", 40000));
      assertSame(MtaReply.UNANSWERED, mta.helo("client.test.example"));
      List<MtaReply> replies =
          mta.transaction("a@x.example", List.of("b@y.example"), Map.of("Subject", "hi"));
      assertEquals(
          "c", replies.stream().map(r -> String.valueOf(r.code())).reduce("", String::concat));
      mta.quit();
      assertEquals(0, mta.bytesBeforeClose(), "no reply to what was negotiated to get none");
      PeerCredentials peer = links.get(0).peerCredentials().orElseThrow();
      assertEquals(ProcessHandle.current().pid(), peer.pid());
      assertEquals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"), peer.uid());
    }
    assertFalse(Files.exists(socket), "socket file removed on close");
  }

  @Test
  void eachPeerGetsOnlyItsShareOfSessions() throws Exception {
    List<String> drops = new CopyOnWriteArrayList<>();
    CountDownLatch admittedSessionsClosed = new CountDownLatch(3);
    SessionObserver observer =
        new SessionObserver() {
          @Override
          public void connectionDropped(MailOrigin listener, ConnectionDrop reason) {
            drops.add(listener + " " + reason);
          }

          @Override
          public void sessionClosed() {
            admittedSessionsClosed.countDown();
          }
        };
    ServerSettings settings =
        RunningServer.settings(
            RunningServer.listeners("inet:0.0.0.0:0"),
            RunningServer.limits(10, 2, Duration.ofMinutes(1)));
    try (RunningServer server = new RunningServer(settings, Duration.ofSeconds(5), observer)) {
      int port = ((InetSocketAddress) server.address()).getPort();
      // each connection negotiates before the next one connects: admission happens in this order
      try (MtaEmulator first =
              negotiated(MtaEmulator.connect(new InetSocketAddress("127.0.0.1", port)));
          MtaEmulator second =
              negotiated(MtaEmulator.connect(new InetSocketAddress("127.0.0.1", port)));
          MtaEmulator third = MtaEmulator.connect(new InetSocketAddress("127.0.0.1", port));
          MtaEmulator otherPeer =
              MtaEmulator.connectFrom("127.0.0.2", new InetSocketAddress("127.0.0.1", port))) {
        assertTrue(third.closedByPeer(), "the third connection from 127.0.0.1 is over its share");
        assertEquals('O', otherPeer.negotiate().code(), "another address has its own share");
        assertEquals('c', first.connectInet("localhost", "127.0.0.1", 0).code());
        assertEquals(List.of("SMTPD PEER_LIMIT"), drops);
      }
      // the server gives a share back when it has seen the close, after the client made it
      assertTrue(admittedSessionsClosed.await(5, TimeUnit.SECONDS), "the server saw the closes");
      try (MtaEmulator again = MtaEmulator.connect(new InetSocketAddress("127.0.0.1", port))) {
        assertEquals('O', again.negotiate().code(), "closed sessions give their share back");
      }
    }
  }

  @Test
  void smtpdSessionsCannotStarveTheNonSmtpdListener() throws Exception {
    List<String> drops = new CopyOnWriteArrayList<>();
    SessionObserver observer =
        new SessionObserver() {
          @Override
          public void connectionDropped(MailOrigin listener, ConnectionDrop reason) {
            drops.add(listener + " " + reason);
          }
        };
    ServerSettings settings =
        RunningServer.settings(
            List.of(
                new Listener(Endpoint.parse("inet:127.0.0.1:0"), MailOrigin.SMTPD),
                new Listener(Endpoint.parse("inet:127.0.0.1:0"), MailOrigin.NON_SMTPD)),
            new ListenerLimits(
                2, 1, 10, Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofMinutes(1)));
    try (RunningServer server = new RunningServer(settings, Duration.ofSeconds(5), observer);
        MtaEmulator smtpd1 =
            negotiated(MtaEmulator.connect(server.server.boundAddresses().get(0)));
        MtaEmulator smtpd2 =
            negotiated(MtaEmulator.connect(server.server.boundAddresses().get(0)));
        MtaEmulator smtpd3 = MtaEmulator.connect(server.server.boundAddresses().get(0));
        MtaEmulator sendmail = MtaEmulator.connect(server.server.boundAddresses().get(1))) {
      assertTrue(smtpd3.closedByPeer());
      assertEquals(
          'O', sendmail.negotiate().code(), "the non-smtpd listener keeps its own sessions");
      assertEquals(List.of("SMTPD SESSION_LIMIT"), drops);
    }
  }

  @Test
  void bindFailureIsReportedAtOnce() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      ServerSettings settings = RunningServer.settings("inet:127.0.0.1:" + taken.getLocalPort());
      PolicyWorkers workers = new PolicyWorkers(1, 1, Duration.ofSeconds(1));
      MilterServer server =
          new MilterServer(
              settings,
              new io.postwarden.core.session.PolicyChain(List.of()),
              workers,
              new SessionObserver() {});
      long start = System.nanoTime();
      assertThrows(RuntimeException.class, server::start);
      assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(3));
      workers.close();
    }
  }

  @Test
  void gracefulShutdownLetsTheTransactionInFlightFinish() throws Exception {
    RunningServer server = new RunningServer();
    InetSocketAddress address = (InetSocketAddress) server.address();
    try (MtaEmulator mta = MtaEmulator.connect(address)) {
      mta.openSession("127.0.0.1", 1);
      MtaEmulator.expectContinue(mta.mail("<a@x.example>"));
      AtomicReference<Boolean> drained = new AtomicReference<>();
      CompletableFuture<Void> stopping =
          CompletableFuture.runAsync(
              () -> drained.set(server.server.shutdown(Duration.ofSeconds(5))));
      sleep(200);
      assertThrows(
          IOException.class,
          () -> {
            try (MtaEmulator late = MtaEmulator.connect(address)) {
              late.negotiate();
            }
          },
          "no new sessions once stopping");
      MtaEmulator.expectContinue(mta.rcpt("<b@y.example>"));
      assertEquals('c', mta.endOfMessage().get(0).code());
      mta.quit();
      stopping.get(5, TimeUnit.SECONDS);
      assertTrue(drained.get());
    } finally {
      server.workers.close();
    }
  }

  @Test
  void nothingIsPrintedToStandardOutput() throws Exception {
    // jmilter's util.Log prints DEBUG/INFO to System.out unless redirected; stdout may carry the
    // audit log
    java.io.PrintStream original = System.out;
    java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
    System.setOut(new java.io.PrintStream(captured, true));
    try (RunningServer server = new RunningServer();
        MtaEmulator mta = MtaEmulator.connect(server.address())) {
      passThrough(mta);
      mta.quit();
    } finally {
      System.setOut(original);
    }
    assertEquals("", captured.toString());
  }

  @Test
  void ioThreadsAreDaemons() throws Exception {
    try (RunningServer server = new RunningServer();
        MtaEmulator mta = MtaEmulator.connect(server.address())) {
      passThrough(mta);
      Thread.getAllStackTraces().keySet().stream()
          .filter(t -> t.getName().startsWith("postwarden-"))
          .forEach(t -> assertTrue(t.isDaemon(), t.getName() + " must not keep the JVM alive"));
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
