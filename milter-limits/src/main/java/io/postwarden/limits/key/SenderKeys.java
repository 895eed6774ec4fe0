package io.postwarden.limits.key;

import io.postwarden.audit.identity.ClientIdentity;
import io.postwarden.audit.identity.ClientKind;
import io.postwarden.core.policy.Transaction;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The keys one transaction is counted against, innermost first: who sent it, then (for mail that
 * leaves on a local user's or a login's behalf) its sender's domain and the whole server. Pure: the
 * identity is established by the audit module's identifier.
 */
public final class SenderKeys {

  private SenderKeys() {}

  public static List<LimitKey> of(Transaction tx, ClientIdentity identity) {
    Optional<String> login = tx.authenticatedUser();
    LimitKey sender;
    if (login.isPresent()) {
      sender = LimitKey.sasl(login.get());
    } else if (identity.kind() == ClientKind.REMOTE) {
      // mail arriving from the world: only the client itself is counted, the sender's domain is
      // anyone's to claim
      return List.of(LimitKey.client(tx.connection().client().address()));
    } else {
      // sendmail(1) and local SMTP allowed without login; one shared key when the user could not be
      // established
      sender =
          LimitKey.unix(
              identity.unixUser().filter(user -> !user.isEmpty()).orElse(LimitKey.UNKNOWN_USER));
    }
    List<LimitKey> keys = new ArrayList<>(3);
    keys.add(sender);
    domainOf(tx.sender()).ifPresent(domain -> keys.add(LimitKey.domain(domain)));
    keys.add(LimitKey.SERVER);
    return keys;
  }

  /**
   * The part after the last @ of a non-null sender; none for the null sender or a bare local part.
   */
  static Optional<String> domainOf(String sender) {
    int at = sender.lastIndexOf('@');
    if (at < 0 || at == sender.length() - 1) {
      return Optional.empty();
    }
    return Optional.of(sender.substring(at + 1));
  }
}
