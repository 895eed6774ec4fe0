package io.postwarden.core.session;

import java.util.Locale;

/** Why Postwarden itself could not decide and tempfailed; a bounded metric label. */
public enum Fault {
  POLICY_EXCEPTION,
  POLICY_TIMEOUT,
  OVERLOADED,
  MODIFICATION_OUTSIDE_EOM,
  UNNEGOTIATED_MODIFICATION,
  INVALID_MODIFICATION,
  /** One transaction's headers and recipients outgrew max-transaction-bytes. */
  TRANSACTION_TOO_LARGE,
  /**
   * All sessions together hold transaction-memory; the transaction that needed more was tempfailed.
   */
  TRANSACTION_MEMORY_FULL;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
