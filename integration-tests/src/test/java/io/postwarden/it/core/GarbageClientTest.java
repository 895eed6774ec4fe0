package io.postwarden.it.core;

import static org.junit.jupiter.api.Assertions.*;

import io.postwarden.it.RunningPostwarden;
import io.postwarden.it.harness.MailStack;
import io.postwarden.it.harness.SmtpResult;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Hostile bytes on the milter port cost their own session only; Postfix's sessions keep flowing.
 */
class GarbageClientTest {

  @RegisterExtension
  @Order(2)
  static final RunningPostwarden postwarden = new RunningPostwarden("guard = no\n");

  @RegisterExtension
  @Order(1)
  static final MailStack stack =
      MailStack.builder()
          .milter(postwarden::smtpdEndpoint)
          .nonSmtpdMilter(postwarden::nonSmtpdEndpoint)
          .build();

  @Test
  void garbageOnTheMilterPortDoesNotDisturbMailThroughPostfix() throws Exception {
    String[] endpoint = postwarden.smtpdEndpoint().split(":");
    InetSocketAddress milter = new InetSocketAddress(endpoint[1], Integer.parseInt(endpoint[2]));
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicInteger garbageSessions = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      Future<?> attacker =
          pool.submit(
              () -> {
                Random random = new Random(42);
                while (running.get()) {
                  try (Socket socket = new Socket()) {
                    socket.connect(milter, 1000);
                    byte[] junk = new byte[1 + random.nextInt(200)];
                    random.nextBytes(junk);
                    OutputStream out = socket.getOutputStream();
                    out.write(junk);
                    out.flush();
                    socket.setSoTimeout(1000);
                    while (socket.getInputStream().read() >= 0) {
                      // drain until Postwarden closes the session
                    }
                    garbageSessions.incrementAndGet();
                  } catch (java.io.IOException expected) {
                    garbageSessions.incrementAndGet();
                  }
                }
                return null;
              });
      List<Future<SmtpResult>> sends = new java.util.ArrayList<>();
      for (int i = 0; i < 20; i++) {
        int n = i;
        sends.add(
            pool.submit(
                () ->
                    stack
                        .smtp()
                        .from("ann@outside.example")
                        .to("bob" + n + "@test.example")
                        .data("Subject: during the attack " + n + "\r\n\r\nhello\r\n")
                        .send()));
      }
      for (Future<SmtpResult> send : sends) {
        SmtpResult result = send.get();
        assertTrue(result.accepted(), result::toString);
      }
      assertEquals(20, stack.sink().awaitMessages(20, Duration.ofSeconds(20)).size());
      // however fast the mail went, the attack must have been real: wait (bounded) for enough
      // garbage sessions
      long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
      while (garbageSessions.get() < 20 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      running.set(false);
      attacker.get();
      assertTrue(
          garbageSessions.get() >= 20, "the attacker ran " + garbageSessions.get() + " sessions");
    } finally {
      running.set(false);
      pool.shutdownNow();
    }
  }
}
