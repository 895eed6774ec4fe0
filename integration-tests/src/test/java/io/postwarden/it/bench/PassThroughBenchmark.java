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
 * Messages per second through a real Postfix to the capturing sink, without a milter and with Postwarden (no
 * policies: the protocol cost alone), at several SMTP concurrencies. Not a test: run it with
 * {@code scripts/bench-passthrough}.
 */
public final class PassThroughBenchmark {

  private static final int MESSAGES = Integer.getInteger("messages", 400);

  public static void main(String[] args) throws Exception {
    for (boolean withMilter : new boolean[] {false, true}) {
      RunningPostwarden postwarden = new RunningPostwarden("log-level = warning\n");
      MailStack.Builder builder = MailStack.builder().isolateTests(false);
      if (withMilter) {
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
          System.out.printf(Locale.ROOT, "%-16s concurrency %2d: %6.1f messages/s%n",
              withMilter ? "postwarden" : "no milter", concurrency, rate);
        }
      } finally {
        stack.close();
        postwarden.close();
      }
    }
  }

  private static double run(MailStack stack, int concurrency, int messages) throws Exception {
    stack.sink().clear();
    ExecutorService pool = Executors.newFixedThreadPool(concurrency);
    long start = System.nanoTime();
    List<Future<SmtpResult>> sends = new ArrayList<>();
    for (int i = 0; i < messages; i++) {
      int n = i;
      sends.add(pool.submit(() -> stack.smtp().from("bench@outside.example").to("rcpt" + n + "@test.example")
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
