package io.postwarden.it.srs;

import static org.junit.jupiter.api.Assertions.*;

import io.postwarden.it.harness.ReceivedMessage;
import java.util.List;
import java.util.regex.Pattern;

/** The From: promise: exactly one From: at the sink, and no SRS address in it. */
final class FromHeaders {

  private static final Pattern SRS = Pattern.compile("(?i)\\bSRS[01][=+-]");

  private FromHeaders() {}

  static String assertOneFromWithoutSrs(ReceivedMessage message) {
    List<String> froms = message.headers().all("From");
    assertEquals(
        1, froms.size(), () -> "From: headers " + froms + " in\n" + message.contentAsString());
    assertFalse(SRS.matcher(froms.get(0)).find(), () -> "SRS address in From: " + froms.get(0));
    return froms.get(0).trim();
  }

  /**
   * Every header line ends in CRLF (no bare CR or LF) and every continuation line starts with white
   * space.
   */
  static void assertWellFormedHeaders(ReceivedMessage message) {
    byte[] content = message.content();
    String text = new String(content, java.nio.charset.StandardCharsets.ISO_8859_1);
    String headers = text.substring(0, text.indexOf("\r\n\r\n") + 2);
    for (int i = 0; i < headers.length(); i++) {
      char c = headers.charAt(i);
      boolean bare =
          c == '\r' && (i + 1 == headers.length() || headers.charAt(i + 1) != '\n')
              || c == '\n' && (i == 0 || headers.charAt(i - 1) != '\r');
      assertFalse(bare, () -> "bare CR or LF in the header section:\n" + headers);
    }
    for (String line : headers.split("\r\n")) {
      assertTrue(
          line.matches("[!-9;-~]+:.*|[ \t].*"),
          () -> "neither a field nor a continuation: [" + line + "] in\n" + headers);
    }
  }
}
