package io.postwarden.it.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A stack registered in an instance field is started before and stopped after each test. */
class PerTestStackSelfTest {

  @RegisterExtension
  final MailStack stack = MailStack.builder().ipv6(false).mydestination("other.example").build();

  @Test
  void perTestStackWorksWithIpv4Only() {
    assertTrue(!stack.hasIpv6());
    SmtpResult r =
        stack
            .smtp()
            .from("a@outside.example")
            .to("x@other.example")
            .data("Subject: x\n\nx\n")
            .send();

    assertEquals(250, r.code(), r::toString);
    assertEquals(
        "x@other.example", stack.sink().awaitMessage(Duration.ofSeconds(10)).recipients().get(0));
  }
}
