package io.postwarden.srs.routing;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class ForwardEntriesTest {

  @Test
  void entriesAsLocalReadsThem() throws IOException {
    assertEquals(
        List.of(
            "\\alice",
            "bob@far.example",
            "|/usr/bin/procmail -f-",
            "/var/mail/alice",
            "carol@test.example",
            ":include:/etc/lists/staff",
            "dave"),
        ForwardEntries.parse(
            "# a comment, not@an.address\n"
                + "\\alice, bob@far.example\n"
                + "\"|/usr/bin/procmail -f-\", /var/mail/alice\n"
                + "Carol (the boss, really) <carol@test.example>\n"
                + "\n"
                + ":include:/etc/lists/staff,,dave\n",
            100));
  }

  @Test
  void boundsAndBrokenLines() {
    assertThrows(IOException.class, () -> ForwardEntries.parse("a, b, c", 2));
    assertThrows(IOException.class, () -> ForwardEntries.parse("\"|unclosed", 10));
    assertThrows(IOException.class, () -> ForwardEntries.parse("(unclosed comment", 10));
    assertThrows(IOException.class, () -> ForwardEntries.parse("Name <unclosed", 10));
  }
}
