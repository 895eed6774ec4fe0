package io.postwarden.limits.rule;

import java.util.Locale;

/**
 * What a limit counts: messages (one per MAIL FROM), or recipients (a message to 200 recipients is
 * 200).
 */
public enum Measure {
  MESSAGES,
  RECIPIENTS;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
