package io.postwarden.it.limits;

import static org.junit.jupiter.api.Assertions.*;

import io.postwarden.deploy.Modules;
import io.postwarden.it.RunningPostwarden;
import io.postwarden.it.harness.MailStack;
import io.postwarden.it.harness.SmtpResult;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The counts outlive a restart of the daemon through its state file, and a damaged file does not
 * stop it.
 */
class LimitsStateTest {

  @RegisterExtension
  @Order(2)
  static final RunningPostwarden postwarden =
      RunningPostwarden.restartable(
          () ->
              """
      limits-sasl = { "messages 3/1h" }
      limits-domain = { }
      """,
          Modules::assembly);

  @RegisterExtension
  @Order(1)
  static final MailStack stack = MailStack.builder().milter(postwarden::smtpdEndpoint).build();

  private static SmtpResult send(int i) {
    return stack
        .submission()
        .auth("alice", "secret")
        .from("alice@test.example")
        .to("friend@far.example")
        .data("Subject: " + i + "\r\n\r\nhello\r\n")
        .send();
  }

  private static void restart() {
    postwarden.kill();
    postwarden.start();
  }

  @Test
  void aSenderKeepsItsCountOverARestartAndADamagedFileStartsFromZero() throws Exception {
    assertTrue(send(1).accepted());
    assertTrue(send(2).accepted());
    restart();
    assertEquals(
        "rw-------",
        PosixFilePermissions.toString(Files.getPosixFilePermissions(postwarden.limitsStateFile())));
    assertTrue(send(3).accepted(), "the third of three");
    SmtpResult fourth = send(4);
    assertEquals(451, fourth.code(), fourth::toString);
    assertEquals(SmtpResult.Step.MAIL, fourth.failedStep(), fourth::toString);
    assertEquals(3, stack.sink().awaitMessages(3, Duration.ofSeconds(10)).size());

    postwarden.kill();
    byte[] file = Files.readAllBytes(postwarden.limitsStateFile());
    file[file.length / 2] ^= 0x40;
    Files.write(postwarden.limitsStateFile(), file);
    postwarden.start();
    assertEquals(
        1,
        postwarden
            .daemon()
            .registry()
            .find("postwarden.limits.state.problems")
            .tag("problem", "corrupt")
            .counter()
            .count());
    assertTrue(Files.exists(postwarden.limitsStateFile().resolveSibling("limits.state.refused")));
    assertTrue(send(5).accepted(), "counting started from zero");
  }
}
