package io.postwarden.it.limits;

import static org.junit.jupiter.api.Assertions.*;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.postwarden.core.testing.RedisServer;
import io.postwarden.deploy.Modules;
import io.postwarden.it.RunningPostwarden;
import io.postwarden.it.harness.MailStack;
import io.postwarden.it.harness.QueuedMessage;
import io.postwarden.it.harness.Readiness;
import io.postwarden.it.harness.SmtpResult;
import io.postwarden.limits.control.ControlSocket;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two mail servers (two Postfix, each with its own Postwarden) share one Redis, started by the test
 * on a free loopback port with a password: a sender's budget is one for both. Redis killed in the
 * middle: server A counts on its own (limits-redis-unavailable = local), server B defers SMTP
 * clients and holds sendmail(1) mail (defer), and every message is delivered, held, or refused with
 * a 4xx its client saw. Redis back: counting is shared again.
 */
class SharedLimitsTest {

  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String REDIS_PASSWORD = "shared-limits-test-password";
  private static final RedisServer redis = RedisServer.start(REDIS_PASSWORD);
  private static final Path passwordFile = passwordFile();

  /** Registered first, so stopped last: the daemons never see Redis vanish while they shut down. */
  @RegisterExtension
  @Order(0)
  static final AfterAllCallback stopRedis = context -> redis.close();

  @RegisterExtension
  @Order(1)
  static final RunningPostwarden serverA =
      new RunningPostwarden(config("local"), Modules.assembly());

  @RegisterExtension
  @Order(1)
  static final RunningPostwarden serverB =
      new RunningPostwarden(config("defer"), Modules.assembly());

  @RegisterExtension
  @Order(2)
  static final MailStack stackA =
      MailStack.builder()
          .milter(serverA::smtpdEndpoint)
          .nonSmtpdMilter(serverA::nonSmtpdEndpoint)
          .saslUser("carol", "pw-carol")
          .build();

  @RegisterExtension
  @Order(2)
  static final MailStack stackB =
      MailStack.builder()
          .milter(serverB::smtpdEndpoint)
          .nonSmtpdMilter(serverB::nonSmtpdEndpoint)
          .saslUser("carol", "pw-carol")
          .build();

  private static Supplier<String> config(String whenUnavailable) {
    return () ->
        "limits-sasl = { \"messages 3/1h\" }\nlimits-unix = { \"messages 100/1h\" }\nlimits-domain = { }\n"
            + "limits-redis = \""
            + redis.uri()
            + "\"\nlimits-redis-password-file = \""
            + passwordFile
            + "\"\n"
            + "limits-redis-unavailable = "
            + whenUnavailable
            + "\n";
  }

  private static SmtpResult send(MailStack stack, String user, String password, String subject) {
    return stack
        .submission()
        .auth(user, password)
        .from(user + "@test.example")
        .to("friend@far.example")
        .data("Subject: " + subject + "\r\n\r\nhello\r\n")
        .send();
  }

  @Test
  void twoServersEnforceOneSharedLimit() {
    double unavailableBefore = unavailable(serverA, "local") + unavailable(serverB, "defer");
    assertTrue(send(stackA, "alice", "secret", "A1").accepted());
    assertTrue(send(stackA, "alice", "secret", "A2").accepted());
    assertTrue(
        send(stackB, "alice", "secret", "B1").accepted(),
        "the third of three, through the other server");
    SmtpResult fourth = send(stackB, "alice", "secret", "B2");
    assertEquals(451, fourth.code(), fourth::toString);
    assertEquals(SmtpResult.Step.MAIL, fourth.failedStep(), fourth::toString);
    assertTrue(
        fourth.reply().toString().contains("Sending limit reached (sasl: messages 3/1h)"),
        fourth::toString);
    assertEquals(2, stackA.sink().awaitMessages(2, WAIT).size());
    assertEquals(1, stackB.sink().awaitMessages(1, WAIT).size());
    assertEquals(
        unavailableBefore,
        unavailable(serverA, "local") + unavailable(serverB, "defer"),
        "Redis counted every event");
  }

  @Test
  void redisKilledMidRunLosesNothingAndSharedCountingResumesWhenItIsBack() throws Exception {
    assertTrue(send(stackA, "carol", "pw-carol", "before").accepted());
    redis.kill();

    // A counts on its own: three more for carol (its own budget of three), then 451
    for (int i = 1; i <= 3; i++) {
      SmtpResult result = send(stackA, "carol", "pw-carol", "A-down-" + i);
      assertTrue(result.accepted(), result::toString);
    }
    SmtpResult overOnA = send(stackA, "carol", "pw-carol", "A-down-4");
    assertEquals(451, overOnA.code(), overOnA::toString);
    assertTrue(overOnA.reply().toString().contains("Sending limit reached"), overOnA::toString);
    assertTrue(
        stackA.sendmail("wp@test.example", "Subject: A-sendmail\n\nhi\n", "x@far.example").ok());

    // B cannot count: SMTP clients are told to retry, sendmail(1) mail waits in the hold queue
    SmtpResult deferredOnB = send(stackB, "carol", "pw-carol", "B-down");
    assertEquals(451, deferredOnB.code(), deferredOnB::toString);
    assertEquals("4.3.0", deferredOnB.enhancedCode(), deferredOnB::toString);
    assertTrue(
        stackB.sendmail("wp@test.example", "Subject: B-sendmail\n\nhi\n", "y@far.example").ok());
    assertTrue(
        Readiness.poll(WAIT, () -> held(stackB).size() == 1), () -> "queue: " + stackB.queue());
    assertEquals("y@far.example", held(stackB).get(0).recipients().get(0));

    // nothing lost: every accepted message reached its sink, the rest were held or got a 4xx
    // (asserted above)
    assertEquals(
        5, stackA.sink().awaitMessages(5, WAIT).size(), "before + 3 by SMTP + 1 by sendmail(1)");
    stackA.awaitQueueEmpty();
    assertEquals(List.of(), stackB.sink().messages());
    assertEquals(1, stackB.queue().size(), "only the held message: " + stackB.queue());
    assertTrue(unavailable(serverA, "local") >= 5, "counted: " + unavailable(serverA, "local"));
    assertTrue(unavailable(serverB, "defer") >= 2, "counted: " + unavailable(serverB, "defer"));
    assertEquals(0, answering(serverA));

    // Redis back (empty: the test's Redis keeps nothing on disk): both servers count there again
    redis.start();
    for (RunningPostwarden server : List.of(serverA, serverB)) {
      assertTrue(
          Readiness.poll(WAIT, () -> status(server).get(0).equals("ok")),
          () -> status(server).toString());
    }
    assertEquals(1, answering(serverA));
    assertTrue(send(stackB, "carol", "pw-carol", "B-back").accepted());
    assertTrue(send(stackA, "carol", "pw-carol", "A-back").accepted());
    assertTrue(send(stackA, "carol", "pw-carol", "A-back-2").accepted());
    SmtpResult overShared = send(stackB, "carol", "pw-carol", "B-back-2");
    assertEquals(451, overShared.code(), overShared::toString);
    assertTrue(
        overShared.reply().toString().contains("Sending limit reached (sasl: messages 3/1h)"),
        overShared::toString);
    RedisURI uri = RedisURI.create(redis.uri());
    uri.setAuthentication(REDIS_PASSWORD);
    RedisClient client = RedisClient.create(uri);
    try (var connection = client.connect()) {
      assertTrue(
          connection.sync().pttl("postwarden:limits:sasl:carol") > 0, "namespaced, with a TTL");
    } finally {
      client.shutdown();
    }
  }

  private static double unavailable(RunningPostwarden server, String outcome) {
    Counter counter =
        server
            .daemon()
            .registry()
            .find("postwarden.limits.redis.unavailable")
            .tag("outcome", outcome)
            .counter();
    return counter == null ? 0 : counter.count();
  }

  private static double answering(RunningPostwarden server) {
    Gauge gauge = server.daemon().registry().find("postwarden.limits.redis.answering").gauge();
    return gauge == null ? -1 : gauge.value();
  }

  private static List<String> status(RunningPostwarden server) {
    try {
      return ControlSocket.ask(server.controlSocket(), "status sasl:carol");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<QueuedMessage> held(MailStack stack) {
    return stack.queue().stream().filter(m -> "hold".equals(m.queueName())).toList();
  }

  private static Path passwordFile() {
    try {
      Path file =
          Files.createTempFile(
              "postwarden-redis-password-",
              "",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(file, REDIS_PASSWORD + "\n");
      file.toFile().deleteOnExit();
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
