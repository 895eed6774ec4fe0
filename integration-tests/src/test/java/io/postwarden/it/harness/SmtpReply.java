package io.postwarden.it.harness;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One SMTP reply, possibly multi-line.
 *
 * @param code the three-digit code; -1 when the server closed the connection (or it failed) without
 *     a reply
 * @param enhanced the RFC 3463 enhanced status code of the first line ("4.7.1"), or "" if there is
 *     none
 * @param lines the text of each line, code and separator stripped
 */
public record SmtpReply(int code, String enhanced, List<String> lines) {

  private static final Pattern ENHANCED =
      Pattern.compile("^([245]\\.\\d{1,3}\\.\\d{1,3})(?:\\s|$)");

  static SmtpReply of(int code, List<String> lines) {
    String enhanced = "";
    if (!lines.isEmpty()) {
      Matcher m = ENHANCED.matcher(lines.get(0));
      if (m.find()) {
        enhanced = m.group(1);
      }
    }
    return new SmtpReply(code, enhanced, List.copyOf(lines));
  }

  static SmtpReply none(String why) {
    return new SmtpReply(-1, "", List.of(why));
  }

  /** All lines joined with "\n". */
  public String text() {
    return String.join("\n", lines);
  }

  public boolean positive() {
    return code >= 200 && code < 400;
  }

  public boolean transientFailure() {
    return code >= 400 && code < 500;
  }

  public boolean permanentFailure() {
    return code >= 500;
  }

  @Override
  public String toString() {
    return code + " " + text();
  }
}
