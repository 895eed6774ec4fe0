package io.postwarden.it.bench;

import io.postwarden.it.RunningPostwarden;
import io.postwarden.it.harness.MailStack;
import io.postwarden.it.harness.SmtpResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Messages per second through a real Postfix to the capturing sink, at several SMTP concurrencies: without a milter,
 * with Postwarden and no policies (the protocol cost alone), and with every production policy (guard with its peer
 * lookup, SRS rewriting each message, From: repair, audit tags and records). Not a test: run it with
 * {@code scripts/bench-passthrough}.
 */
public final class PassThroughBenchmark {

  private static final int MESSAGES = Integer.getInteger("messages", 400);

  public static void main(String[] args) throws Exception {
    for (Mode mode : Mode.values()) {
      String policies = "log-level = warning\nguard-allow-networks = { 127.0.0.1/32 }\n"
          + "srs-domain = srs.test.example\ndomains = { test.example }\npostfix-config-dir = \"\"\n"
          // the limits count every message but are never reached: their cost is measured, no message deferred
          + "limits-unix = { \"recipients 999999999/1d\" }\nlimits-domain = { \"recipients 999999999/1d\" }\n";
      RunningPostwarden postwarden = switch (mode) {
        case ALL_POLICIES -> new RunningPostwarden(policies);
        case ALL_BUT_PEER_LOOKUP -> new RunningPostwarden(policies + "peer-lookup = no\n");
        default -> new RunningPostwarden("log-level = warning\n", (config, registry) -> List.of());
      };
      MailStack.Builder builder = MailStack.builder().isolateTests(false);
      if (mode != Mode.NO_MILTER) {
        long start = System.nanoTime();
        postwarden.start();
        System.out.printf(Locale.ROOT, "postwarden in-process start to ready: %.1f ms%n",
            (System.nanoTime() - start) / 1e6);
        builder.milter(postwarden::smtpdEndpoint).nonSmtpdMilter(postwarden::nonSmtpdEndpoint);
      }
      MailStack stack = builder.build();
      stack.start();
      try {
        run(stack, 1, 50); // warm-up: JIT, Postfix process pool
        for (int concurrency : new int[] {1, 4, 16}) {
          double rate = run(stack, concurrency, MESSAGES);
          System.out.printf(Locale.ROOT, "%-24s concurrency %2d: %6.1f messages/s%n", mode.label, concurrency, rate);
        }
      } finally {
        stack.close();
        postwarden.close();
      }
    }
  }

  private enum Mode {
    NO_MILTER("no milter"), NO_POLICIES("postwarden, no policies"),
    ALL_BUT_PEER_LOOKUP("all but peer lookup"), ALL_POLICIES("postwarden, all policies");

    final String label;

    Mode(String label) {
      this.label = label;
    }
  }

  private static double run(MailStack stack, int concurrency, int messages) throws Exception {
    stack.sink().clear();
    ExecutorService pool = Executors.newFixedThreadPool(concurrency);
    long start = System.nanoTime();
    List<Future<SmtpResult>> sends = new ArrayList<>();
    for (int i = 0; i < messages; i++) {
      int n = i;
      sends.add(pool.submit(() -> stack.smtp().from("bench@outside.example").to("rcpt" + n + "@far.example")
          .data("Subject: bench " + n + "\r\n\r\nbody\r\n").send()));
    }
    for (Future<SmtpResult> send : sends) {
      SmtpResult result = send.get();
      if (!result.accepted()) {
        throw new IllegalStateException("not accepted: " + result);
      }
    }
    stack.sink().awaitMessages(messages, Duration.ofMinutes(5));
    double seconds = (System.nanoTime() - start) / 1e9;
    pool.shutdown();
    return messages / seconds;
  }
}
