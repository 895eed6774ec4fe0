package io.postwarden.core.session;

import io.postwarden.core.policy.Connection;
import io.postwarden.core.policy.Header;
import io.postwarden.core.policy.Macros;
import io.postwarden.core.policy.Recipient;
import io.postwarden.core.policy.Transaction;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * One mail transaction as it accumulates. Confined to the session's current thread. What it keeps
 * (headers, recipients) is reserved first against the session's limits and released when the
 * transaction ends.
 */
final class TransactionState implements Transaction {

  /** Per kept item: the object, its strings and the list slot, roughly. */
  private static final int OVERHEAD = 64;

  private final Connection connection;
  private final MacroStore macros;
  private final String sender;
  private final List<String> senderArgs;
  private final List<Recipient> recipients = new ArrayList<>();
  private final List<Header> headers = new ArrayList<>();
  private final long startNanos = System.nanoTime();
  private final SessionLimits limits;
  private long keptBytes;
  private Fault headersRefused;
  private long bodySize;

  TransactionState(
      Connection connection,
      MacroStore macros,
      String sender,
      List<String> senderArgs,
      boolean countsBody,
      SessionLimits limits) {
    this.limits = limits;
    this.connection = connection;
    this.macros = macros;
    this.sender = sender;
    this.senderArgs = List.copyOf(senderArgs);
    this.bodySize = countsBody ? 0 : -1;
  }

  /** Octet strings hold one byte per char. */
  static long sizeOf(String first, List<String> more) {
    return OVERHEAD
        + first.length()
        + more.stream().mapToLong(text -> text.length() + OVERHEAD).sum();
  }

  /**
   * Reserves room to keep {@code bytes} more; null when granted, else why not (nothing is reserved
   * then).
   */
  Fault reserve(long bytes) {
    if (keptBytes + bytes > limits.maxTransactionBytes()) {
      return Fault.TRANSACTION_TOO_LARGE;
    }
    if (!limits.budget().tryReserve(bytes)) {
      return Fault.TRANSACTION_MEMORY_FULL;
    }
    keptBytes += bytes;
    return null;
  }

  void unreserve(long bytes) {
    keptBytes -= bytes;
    limits.budget().release(bytes);
  }

  /** The transaction ended: everything it kept goes back to the shared budget. */
  void releaseAll() {
    unreserve(keptBytes);
  }

  void addRecipient(Recipient recipient) {
    recipients.add(recipient);
  }

  /** Headers stop being kept; the transaction is tempfailed at end of headers. */
  void refuseHeaders(Fault fault) {
    headersRefused = fault;
  }

  /** Why headers stopped being kept, or null. */
  Fault headersRefused() {
    return headersRefused;
  }

  void addHeader(Header header) {
    headers.add(header);
  }

  void addBody(int length) {
    if (bodySize >= 0) {
      bodySize += length;
    }
  }

  long startNanos() {
    return startNanos;
  }

  @Override
  public Connection connection() {
    return connection;
  }

  @Override
  public Optional<String> queueId() {
    return macros.all().get("i").filter(id -> !id.isEmpty());
  }

  /**
   * Postfix sends {@code {auth_authen}} with the MAIL-stage macros of each transaction after AUTH;
   * the same name at another stage (a misconfigured macro list, a stale value) proves no login.
   */
  @Override
  public Optional<String> authenticatedUser() {
    return macros.mail().get("auth_authen").filter(user -> !user.isEmpty());
  }

  @Override
  public String sender() {
    return sender;
  }

  @Override
  public List<String> senderArgs() {
    return senderArgs;
  }

  @Override
  public List<Recipient> recipients() {
    return Collections.unmodifiableList(recipients);
  }

  @Override
  public List<Header> headers() {
    return Collections.unmodifiableList(headers);
  }

  @Override
  public long bodySize() {
    return bodySize;
  }

  @Override
  public Macros macros() {
    return macros.all();
  }
}
