package io.postwarden.audit.identity;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

class RememberedRedactionsTest {

  private final CommandLineRedactor redactor = new CommandLineRedactor(true, List.of());
  private final RememberedRedactions redactions = new RememberedRedactions(redactor);

  private static List<String> worker(int n) {
    return List.of("php-fpm: pool site" + n, "--password", "hunter" + n);
  }

  @Test
  void aCommandLineSeenAgainIsRedactedOnceAndAlike() {
    List<String> first = redactions.redact(worker(1));
    assertEquals(redactor.redact(worker(1)), first);
    assertEquals(List.of("php-fpm: pool site1", "--password", CommandLineRedactor.MASK), first);
    assertSame(first, redactions.redact(worker(1)), "remembered, not redacted again");
  }

  @Test
  void onlyTheMostRecentLinesAreKept() {
    List<String> first = redactions.redact(worker(0));
    for (int n = 1; n <= RememberedRedactions.ENTRIES; n++) {
      redactions.redact(worker(n));
    }
    List<String> again = redactions.redact(worker(0));
    assertEquals(first, again);
    assertNotSame(first, again, "the oldest line made room");
  }

  @Test
  void aLongCommandLineIsRedactedEachTime() {
    List<String> longLine =
        List.of("php", "x".repeat(RememberedRedactions.LONGEST), "--token", "secret");
    List<String> first = redactions.redact(longLine);
    assertEquals(CommandLineRedactor.MASK, first.get(3));
    assertNotSame(first, redactions.redact(longLine));
  }
}
