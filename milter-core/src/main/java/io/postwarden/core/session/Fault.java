package io.postwarden.core.session;

import java.util.Locale;

/** Why Postwarden itself could not decide and tempfailed; a bounded metric label. */
public enum Fault {
  POLICY_EXCEPTION,
  POLICY_TIMEOUT,
  OVERLOADED,
  MODIFICATION_OUTSIDE_EOM,
  UNNEGOTIATED_MODIFICATION,
  INVALID_MODIFICATION;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
