package io.postwarden.it.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.postwarden.core.CoreKeys;
import io.postwarden.core.config.Config;
import io.postwarden.core.policy.Decision;
import io.postwarden.core.policy.Modification.Capability;
import io.postwarden.core.policy.Modification.ChangeSender;
import io.postwarden.core.server.MilterServer;
import io.postwarden.core.server.PolicyWorkers;
import io.postwarden.core.server.ServerSettings;
import io.postwarden.core.session.PolicyChain;
import io.postwarden.core.session.SessionObserver;
import io.postwarden.core.testing.MilterPacketIO;
import io.postwarden.core.testing.ScriptedPolicy;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bench driver's own parts that can go wrong quietly: CPU sums, maillog counts, the emulated
 * session.
 */
class BenchToolsTest {

  @TempDir Path temp;

  @Test
  void cpuOfATreeAddsDescendantsReapedChildrenAndExactTimeOfSingleThreadedOnes()
      throws IOException {
    // daemon 10 (2 threads): 3+2 ticks own, 4+1 reaped; child 11 (1 thread): 0 ticks but 1.5 ms
    // exact;
    // grandchild 12 (2 threads) 1+0 ticks; 13 belongs to someone else
    process(10, "postsrsd", 1, 3, 2, 4, 1, 2, null);
    process(11, "odd ) (name", 10, 0, 0, 0, 0, 1, "1500000 0 0\n");
    process(12, "helper", 11, 1, 0, 0, 0, 2, "99999999999 0 0\n");
    process(13, "other", 1, 50, 50, 0, 0, 1, null);
    Files.createDirectories(temp.resolve("self"));

    assertEquals(
        (3 + 2 + 4 + 1) * 10_000_000L + 1_500_000L + 10_000_000L, ProcessCpu.ofTree(temp, 10));
    assertEquals(0, ProcessCpu.ofTree(temp, 99));
  }

  private void process(
      long pid,
      String name,
      long parent,
      long utime,
      long stime,
      long cutime,
      long cstime,
      int threads,
      String schedstat)
      throws IOException {
    Path dir = Files.createDirectories(temp.resolve(Long.toString(pid)));
    // fields 3.. of proc(5): state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt
    // utime stime
    // cutime cstime priority nice num_threads ...
    Files.writeString(
        dir.resolve("stat"),
        pid
            + " ("
            + name
            + ") S "
            + parent
            + " 1 1 0 -1 0 0 0 0 0 "
            + utime
            + " "
            + stime
            + " "
            + cutime
            + " "
            + cstime
            + " 20 0 "
            + threads
            + " 0 100 0\n");
    if (schedstat != null) {
      Files.writeString(dir.resolve("schedstat"), schedstat);
    }
  }

  @Test
  void maillogProgressCountsOnlyWhatFollowsItsStartAndWholeLines() throws IOException {
    Path log = temp.resolve("maillog");
    Files.writeString(log, "x postfix/smtp[1]: A: to=<a@b>, relay=x, status=sent (250 Ok)\n");
    MaillogProgress progress = MaillogProgress.fromEnd(log);

    append(
        log,
        "x postfix/qmgr[2]: B: from=<SRS0=abcd=JT=remote.example=s@srs.example>, size=1, nrcpt=1\n"
            + "x postfix/smtp[1]: B: to=<a@b>, relay=x, status=sent (250 Ok)\nx postfix/smtp[1]: C: to=<a@b>, st");
    progress.poll();
    assertEquals(1, progress.delivered());
    assertEquals(1, progress.srsSenders());
    assertNull(progress.firstProblem());

    append(
        log,
        "atus=sent (250 Ok)\nx postfix/smtp[1]: D: to=<a@b>, relay=x, status=deferred (451 later)\n");
    progress.poll();
    assertEquals(2, progress.delivered());
    assertTrue(progress.firstProblem().contains("D: to=<a@b>"), progress.firstProblem());
  }

  private static void append(Path log, String text) throws IOException {
    Files.writeString(log, text, StandardOpenOption.APPEND);
  }

  @Test
  void medianAndNearestRankPercentile() {
    assertEquals(2.0, Stats.median(List.of(3.0, 1.0, 2.0)));
    assertEquals(2.5, Stats.median(List.of(4.0, 1.0, 3.0, 2.0)));
    long[] hundred = new long[100];
    for (int i = 0; i < 100; i++) {
      hundred[i] = 100 - i;
    }
    assertEquals(50, Stats.percentile(hundred, 0.5));
    assertEquals(99, Stats.percentile(hundred, 0.99));
  }

  /**
   * Against the real server: a whole session that ends accepted, with the SRS sender the policy
   * set.
   */
  @Test
  void emulatedSessionRunsAgainstTheServerAndSeesTheNewSender() throws Exception {
    AtomicReference<String> sender = new AtomicReference<>();
    ScriptedPolicy policy =
        new ScriptedPolicy("bench-test")
            .may(Capability.CHANGE_SENDER)
            .onMail(
                tx -> {
                  sender.set(tx.sender());
                  return Decision.CONTINUE;
                })
            .onEndOfMessage(
                tx ->
                    Decision.modify(
                        new ChangeSender("SRS0=abcd=JT=remote-sender.example=sender@srs.example")));
    try (PolicyWorkers workers = new PolicyWorkers(2, 16, Duration.ofSeconds(5))) {
      ServerSettings settings =
          CoreKeys.serverSettings(
              Config.parse(
                  "milter = { \"inet:127.0.0.1:0\" }\nnon-smtpd-milter = { }\n",
                  "test",
                  CoreKeys.SCHEMA));
      MilterServer server =
          new MilterServer(
              settings, new PolicyChain(List.of(policy)), workers, new SessionObserver() {});
      server.start();
      try {
        EmulatedPostfixSession.Outcome outcome =
            EmulatedPostfixSession.run(
                (InetSocketAddress) server.boundAddresses().get(0),
                new EmulatedPostfixSession.Client("203.0.113.7", 40000, "192.0.2.25", 25),
                "4ABC");

        assertEquals(EmulatedPostfixSession.SENDER, sender.get());
        assertTrue("ac".indexOf(outcome.verdict()) >= 0, outcome::toString);
        assertTrue(outcome.srsRewritten(), outcome::toString);
      } finally {
        server.close();
      }
    }
  }

  /**
   * A milter that declines headers and body and answers neither end of headers nor DATA: the
   * session sends every stage's macros, skips the declined stages, does not wait where no reply
   * comes (it would hang), and ends with ABORT, ABORT, QUIT, as Postfix does.
   */
  @Test
  void emulatedSessionSkipsDeclinedStagesAndWaitsOnlyForReplies() throws Exception {
    int declinedAndUnanswered = 0x20 | 0x10 | 0x40000 | 0x10000; // NOHDRS, NOBODY, NR_EOH, NR_DATA
    List<String> received = new ArrayList<>();
    try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread milter = new Thread(() -> serveOneSession(listener, declinedAndUnanswered, received));
      milter.start();
      EmulatedPostfixSession.Outcome outcome =
          EmulatedPostfixSession.run(
              (InetSocketAddress) listener.getLocalSocketAddress(),
              new EmulatedPostfixSession.Client("203.0.113.7", 40000, "192.0.2.25", 25),
              "4ABC");
      milter.join();

      assertEquals(new EmulatedPostfixSession.Outcome('a', true), outcome);
    }
    assertEquals(
        List.of(
            "O", "D:C", "C", "D:H", "H", "D:M", "M", "D:R", "R", "D:T", "T", "D:L", "D:L", "D:L",
            "D:L", "D:L", "D:N", "N", "D:E", "E", "A", "A", "Q"),
        received);
  }

  /**
   * Records each command (macros as D:stage) until QUIT; answers as negotiated, and CHGFROM +
   * accept at EOM.
   */
  private static void serveOneSession(ServerSocket listener, int protocol, List<String> received) {
    try (Socket socket = listener.accept()) {
      DataInputStream in = new DataInputStream(socket.getInputStream());
      OutputStream out = socket.getOutputStream();
      while (true) {
        byte[] frame = new byte[in.readInt()];
        in.readFully(frame);
        char command = (char) frame[0];
        received.add(command == 'D' ? "D:" + (char) frame[1] : String.valueOf(command));
        switch (command) {
          case 'O' ->
              out.write(MilterPacketIO.packet('O', MilterPacketIO.int32s(6, 0x40, protocol)));
          case 'C', 'H', 'M', 'R' -> out.write(MilterPacketIO.packet('c', new byte[0]));
          case 'E' ->
              out.write(
                  MilterPacketIO.concat(
                      MilterPacketIO.packet(
                          'e', MilterPacketIO.strings("<SRS0=abcd=JT=r.example=s@srs.example>")),
                      MilterPacketIO.packet('a', new byte[0])));
          case 'Q' -> {
            return;
          }
          default -> {
            // 'T' and 'N' were negotiated to go unanswered; macros and ABORT never are
          }
        }
        out.flush();
      }
    } catch (IOException e) {
      received.add("failed: " + e);
    }
  }
}
