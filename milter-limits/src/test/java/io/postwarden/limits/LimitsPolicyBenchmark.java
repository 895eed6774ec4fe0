package io.postwarden.limits;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.postwarden.audit.guard.LocalAddresses;
import io.postwarden.audit.identity.ClientIdentifier;
import io.postwarden.audit.identity.CommandLineRedactor;
import io.postwarden.audit.identity.IdentityMetrics;
import io.postwarden.core.policy.Recipient;
import io.postwarden.core.testing.TestTransaction;
import io.postwarden.limits.key.KeyKind;
import io.postwarden.limits.rule.LimitRule;
import io.postwarden.limits.rule.RuleTable;
import io.postwarden.limits.store.LocalCounterStore;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * CPU per transaction of the limits policy with the in-process store and the default rules: MAIL FROM, RCPTS
 * recipients and end of message of an authenticated sender, over USERS users in DOMAINS domains (so every
 * transaction touches a sasl, a domain and the server key, 3 rules each for the users). Thread CPU time, after a
 * warm-up. Not a test; run from milter-limits/:
 * {@code java -cp target/test-classes:target/classes:$(cat cp.txt) io.postwarden.limits.LimitsPolicyBenchmark}
 * (cp.txt from {@code mvn dependency:build-classpath -Dmdep.outputFile=cp.txt}). Arguments (optional): USERS
 * (default 10000) DOMAINS (1000) RCPTS (3) TRANSACTIONS (200000).
 */
public final class LimitsPolicyBenchmark {

  private LimitsPolicyBenchmark() {}

  public static void main(String[] args) {
    int users = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int domains = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
    int recipients = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    int transactions = args.length > 3 ? Integer.parseInt(args[3]) : 200_000;
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    LimitsMetrics metrics = new LimitsMetrics(registry);
    Clock clock = Clock.systemUTC();
    ClientIdentifier identifier = new ClientIdentifier(new LocalAddresses(Set::of, Duration.ofHours(1), clock),
        Optional.empty(), Optional.empty(), new CommandLineRedactor(true, List.of()), new IdentityMetrics(registry));
    RuleTable rules = new RuleTable(Map.of(
        KeyKind.SASL, parse(LimitsKeys.SASL.defaultValue()), KeyKind.DOMAIN, parse(LimitsKeys.DOMAIN.defaultValue()),
        // generous, so that every transaction is counted to the end instead of stopping at a refusal
        KeyKind.SERVER, List.of(LimitRule.parse("recipients 999999999/1d"))), Map.of());
    LimitsPolicy policy = new LimitsPolicy(identifier, () -> rules,
        new LocalCounterStore(clock, 1_000_000, metrics::overflowed), metrics);
    List<Recipient> rcpts = java.util.stream.IntStream.range(0, recipients)
        .mapToObj(i -> new Recipient("r" + i + "@far.example", List.of())).toList();

    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    run(policy, users, domains, rcpts, transactions / 4); // warm-up
    long cpu = threads.getCurrentThreadCpuTime();
    long wall = System.nanoTime();
    run(policy, users, domains, rcpts, transactions);
    long cpuPer = (threads.getCurrentThreadCpuTime() - cpu) / transactions;
    long wallPer = (System.nanoTime() - wall) / transactions;
    System.out.printf("%d transactions, %d users, %d domains, %d recipients: %.2f us CPU, %.2f us wall per "
        + "transaction%n", transactions, users, domains, recipients, cpuPer / 1000.0, wallPer / 1000.0);
  }

  private static void run(LimitsPolicy policy, int users, int domains, List<Recipient> rcpts, int transactions) {
    for (int i = 0; i < transactions; i++) {
      int user = i % users;
      TestTransaction tx = TestTransaction.from("u" + user + "@d" + (user % domains) + ".example")
          .authenticatedAs("u" + user).client("192.0.2.10", 4000);
      policy.onMail(tx);
      for (Recipient recipient : rcpts) {
        policy.onRecipient(tx, recipient);
        tx.to(recipient.address());
      }
      policy.onEndOfMessage(tx);
    }
  }

  private static List<LimitRule> parse(List<String> rules) {
    return Arrays.asList(rules.stream().map(LimitRule::parse).toArray(LimitRule[]::new));
  }
}
