package io.postwarden.it.core;

import static org.junit.jupiter.api.Assertions.*;

import io.micrometer.core.instrument.Counter;
import io.postwarden.it.RunningPostwarden;
import io.postwarden.it.harness.MailStack;
import io.postwarden.it.harness.SmtpResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A local user floods an inet: listener with idle and trickling connections from its own address
 * (127.0.0.2): its share (max-sessions-per-peer) is all it gets, the deadlines cut what it holds
 * within seconds, and Postfix's own sessions (from 127.0.0.1) keep flowing. Before the limits, the
 * flood filled max-sessions and Postfix tempfailed every message.
 */
class ListenerFloodTest {

  private static final int MAX_SESSIONS = 20;
  private static final int PER_PEER = 8;
  private static final int ATTACK_CONNECTIONS = 3 * MAX_SESSIONS;

  @RegisterExtension
  @Order(2)
  static final RunningPostwarden postwarden =
      new RunningPostwarden(
          "guard = no\nmax-sessions = "
              + MAX_SESSIONS
              + "\nnon-smtpd-max-sessions = "
              + MAX_SESSIONS
              + "\nmax-sessions-per-peer = "
              + PER_PEER
              + "\nnegotiation-timeout = 2s\nframe-timeout = 2s\n");

  @RegisterExtension
  @Order(1)
  static final MailStack stack =
      MailStack.builder()
          .milter(postwarden::smtpdEndpoint)
          .nonSmtpdMilter(postwarden::nonSmtpdEndpoint)
          .build();

  private static InetSocketAddress listener() {
    String[] endpoint = postwarden.smtpdEndpoint().split(":");
    return new InetSocketAddress(endpoint[1], Integer.parseInt(endpoint[2]));
  }

  private static double count(String name, String reason) {
    Counter counter =
        postwarden
            .daemon()
            .registry()
            .find(name)
            .tag("listener", "smtpd")
            .tag("reason", reason)
            .counter();
    return counter == null ? -1 : counter.count();
  }

  /**
   * An attacker's connection from 127.0.0.2; {@code trickle}: after OPTNEG, one byte of a packet
   * per second.
   */
  private static void attack(boolean trickle) throws IOException {
    try (Socket socket = new Socket()) {
      socket.bind(new InetSocketAddress("127.0.0.2", 0));
      socket.connect(listener(), 2_000);
      socket.setSoTimeout(500);
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      if (trickle) {
        out.write(
            new byte[] {
              0, 0, 0, 13, 'O', 0, 0, 0, 6, 0, 0, 1, (byte) 0xff, 0, 0x1f, (byte) 0xff, (byte) 0xff
            });
        out.write(new byte[] {0, 0, 0x10}); // a packet begun, never finished
      }
      while (true) {
        try {
          if (in.read() < 0) {
            return; // Postwarden closed it
          }
          // the OPTNEG reply: keep reading
        } catch (SocketTimeoutException stillOpen) {
          if (trickle) {
            out.write(0);
          }
        }
      }
    } catch (IOException closedOrReset) {
      // refused at accept, or cut off: the attacker connects again
    }
  }

  @Test
  void aFloodBeyondItsShareIsRefusedAndCutOffWhilePostfixMailFlows() throws Exception {
    AtomicBoolean attacking = new AtomicBoolean(true);
    ExecutorService attackers = Executors.newFixedThreadPool(ATTACK_CONNECTIONS);
    try {
      List<Future<?>> running = new ArrayList<>();
      for (int i = 0; i < ATTACK_CONNECTIONS; i++) {
        boolean trickle = i % 2 == 0;
        running.add(
            attackers.submit(
                () -> {
                  while (attacking.get()) {
                    attack(trickle);
                  }
                  return null;
                }));
      }
      // the attacker holds its share at every moment; mail from Postfix still gets sessions
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (count("postwarden.connections.refused", "peer_limit") < ATTACK_CONNECTIONS
          && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      for (int i = 0; i < 5; i++) {
        SmtpResult result =
            stack
                .smtp()
                .from("ann@outside.example")
                .to("bob" + i + "@test.example")
                .data("Subject: during the flood " + i + "\r\n\r\nhello\r\n")
                .send();
        assertTrue(result.accepted(), result::toString);
      }
      assertEquals(5, stack.sink().awaitMessages(5, Duration.ofSeconds(20)).size());
      // the deadlines free the attacker's share again and again
      deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
      while ((count("postwarden.connections.closed", "negotiation_timeout") < PER_PEER
              || count("postwarden.connections.closed", "frame_timeout") < PER_PEER)
          && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      attacking.set(false);
      assertTrue(
          count("postwarden.connections.refused", "peer_limit") >= ATTACK_CONNECTIONS,
          "refused: " + count("postwarden.connections.refused", "peer_limit"));
      assertTrue(
          count("postwarden.connections.closed", "negotiation_timeout") >= PER_PEER / 2.0,
          "idle ones cut: " + count("postwarden.connections.closed", "negotiation_timeout"));
      assertTrue(
          count("postwarden.connections.closed", "frame_timeout") >= PER_PEER / 2.0,
          "trickling ones cut: " + count("postwarden.connections.closed", "frame_timeout"));
      assertEquals(
          0,
          count("postwarden.connections.refused", "session_limit"),
          "the flood never filled the listener");
      for (Future<?> attacker : running) {
        attacker.get(10, TimeUnit.SECONDS);
      }
    } finally {
      attacking.set(false);
      attackers.shutdownNow();
    }
  }
}
