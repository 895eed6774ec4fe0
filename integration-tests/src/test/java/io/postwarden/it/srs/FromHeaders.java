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
    assertEquals(1, froms.size(), () -> "From: headers " + froms + " in\n" + message.contentAsString());
    assertFalse(SRS.matcher(froms.get(0)).find(), () -> "SRS address in From: " + froms.get(0));
    return froms.get(0).trim();
  }
}
