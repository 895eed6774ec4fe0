package io.postwarden.limits.key;

import java.util.Locale;
import java.util.Optional;

/**
 * What a limit counts by. A metric label and the prefix of a key ({@code sasl:alice}); a bounded
 * set, so metrics by kind never carry a user's name.
 */
public enum KeyKind {
  /** The SASL login of an authenticated SMTP client. */
  SASL,
  /**
   * The Unix user behind a local submission: the sendmail(1) submitter or the process of a local
   * SMTP client.
   */
  UNIX,
  /** The domain of the envelope sender of a local or authenticated submission. */
  DOMAIN,
  /** The address of an unauthenticated remote client (an IPv6 client by its /64). */
  CLIENT,
  /** Everything this server sends out: local and authenticated submissions together. */
  SERVER;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<KeyKind> ofLabel(String label) {
    for (KeyKind kind : values()) {
      if (kind.label().equals(label)) {
        return Optional.of(kind);
      }
    }
    return Optional.empty();
  }
}
