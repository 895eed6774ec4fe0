package io.postwarden.audit.forensics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.postwarden.audit.log.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordTextTest {

  @Test
  void showsEachFieldNestedObjectsIndented() {
    AuditRecord record =
        AuditRecord.parse(
            new Json()
                .string("time", "2026-11-01T10:00:00Z")
                .string("event", "accept")
                .strings("recipients", List.of("a@x.example", "b@x.example"))
                .object("process", new Json().number("pid", 812).string("user", "www-shop"))
                .toString());

    assertEquals(
        "time: 2026-11-01T10:00:00Z\nevent: accept\nrecipients: [a@x.example, b@x.example]\n"
            + "process:\n  pid: 812\n  user: www-shop\n",
        RecordText.of(record));
  }

  @Test
  void controlCharactersAndBidiOverridesCannotReachTheTerminal() {
    // a command line or HELO crafted to clear the screen, or to make "php" read as something else
    assertEquals(
        "\\x1b[2J\\x07evil\\u202ephp\\\\x\\x0a",
        RecordText.escape("\u001b[2J\u0007evil\u202ephp\\x\n"));
    assertEquals("plain text", RecordText.escape("plain text"));
  }
}
