package io.postwarden.core.session;

/**
 * How much one session may keep in memory.
 *
 * @param maxTransactionBytes header and recipient bytes one transaction may keep; beyond it the
 *     transaction is tempfailed. Real mail stays far below: Postfix cuts each header at
 *     header_size_limit (100 KiB) and refuses more than smtpd_recipient_limit (1000) recipients
 * @param budget shared by all sessions; when it is spent, the transaction that needs more is
 *     tempfailed
 */
public record SessionLimits(long maxTransactionBytes, MemoryBudget budget) {

  public SessionLimits {
    if (maxTransactionBytes <= 0) {
      throw new IllegalArgumentException("maxTransactionBytes must be positive");
    }
  }
}
