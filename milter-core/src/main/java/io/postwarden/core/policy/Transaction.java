package io.postwarden.core.policy;

import java.util.List;
import java.util.Optional;

/**
 * One mail transaction (MAIL FROM to end of message) as a policy sees it. Fields fill in as the
 * stages arrive and are reset when the next transaction starts. Addresses come without angle
 * brackets; the null sender is "".
 */
public interface Transaction {

  Connection connection();

  /** Postfix's queue id, known from DATA on (from MAIL on for sendmail(1) submissions). */
  Optional<String> queueId();

  /** The SASL login name, if the client authenticated. */
  Optional<String> authenticatedUser();

  String sender();

  /** ESMTP parameters of MAIL FROM, e.g. {@code SIZE=1024}. */
  List<String> senderArgs();

  /** Recipients accepted so far, in order. */
  List<Recipient> recipients();

  /** Headers in message order; empty unless a policy asked for {@link Stage#HEADERS}. */
  List<Header> headers();

  /** Body octets seen; -1 unless a policy asked for {@link Stage#BODY}. */
  long bodySize();

  /** Macros visible at the current stage (connection, HELO, MAIL, RCPT, DATA, EOH, EOM). */
  Macros macros();
}
