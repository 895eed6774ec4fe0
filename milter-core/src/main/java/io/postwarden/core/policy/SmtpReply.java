package io.postwarden.core.policy;

import java.util.regex.Pattern;

/**
 * An SMTP reply a refusal carries, e.g. {@code 530 5.7.0 Authentication required}. Checked on
 * construction because Postfix discards a malformed reply and applies its default action.
 */
public record SmtpReply(int code, String enhancedStatus, String text) {

  private static final Pattern ENHANCED = Pattern.compile("[245]\\.\\d{1,3}\\.\\d{1,3}");

  public SmtpReply {
    if (code < 400 || code > 599) {
      throw new IllegalArgumentException("reply code must be 4xx or 5xx: " + code);
    }
    if (!ENHANCED.matcher(enhancedStatus).matches()
        || enhancedStatus.charAt(0) != Character.forDigit(code / 100, 10)) {
      throw new IllegalArgumentException(
          "enhanced status " + enhancedStatus + " does not match code " + code);
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        throw new IllegalArgumentException("reply text must be printable ASCII on one line");
      }
    }
  }

  /** Parses the form used in configuration files: {@code "530 5.7.0 Authentication required"}. */
  public static SmtpReply parse(String line) {
    String[] parts = line.trim().split(" ", 3);
    if (parts.length < 3 || !parts[0].matches("\\d{3}")) {
      throw new IllegalArgumentException("expected \"CODE X.Y.Z text\", got \"" + line + "\"");
    }
    return new SmtpReply(Integer.parseInt(parts[0]), parts[1], parts[2]);
  }

  public boolean permanent() {
    return code >= 500;
  }

  @Override
  public String toString() {
    return code + " " + enhancedStatus + " " + text;
  }
}
