package io.postwarden.it.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * sendmail(1) run by an unprivileged user against the private config
 * (alternate_config_directories).
 */
class NonRootSendmailSelfTest {

  @RegisterExtension
  static final MailStack stack = MailStack.builder().allowNonRootSendmail().build();

  @Test
  void nobodyCanSubmitThroughSendmail() throws Exception {
    assertTrue(
        Files.readString(AlternateConfigDirs.MAIN_CF)
            .contains(stack.postfix().configDir().toString()));

    Sendmail.Result r =
        stack
            .sendmail()
            .asUser("nobody")
            .to("gina@outside.example")
            .message("Subject: from nobody\n\nhi\n")
            .send();

    assertEquals(0, r.exitCode(), r::toString);
    ReceivedMessage m = stack.sink().awaitMessage(Duration.ofSeconds(10));
    assertEquals("nobody@test.example", m.mailFrom()); // login name @ myorigin
    assertEquals(List.of("gina@outside.example"), m.recipients());
    assertTrue(
        m.header("Received").orElseThrow().contains("(Postfix, from userid 65534)"), m::toString);
  }
}
