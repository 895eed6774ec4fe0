package io.postwarden.audit.guard;

import io.postwarden.audit.identity.ClientIdentity;
import io.postwarden.core.policy.MailOrigin;
import io.postwarden.core.policy.SmtpReply;
import io.postwarden.core.policy.Transaction;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The operator's exceptions to "every local SMTP client must authenticate", and the reply for the
 * rest. Local is everything but a remote TCP peer (see {@link
 * io.postwarden.audit.identity.ClientKind}).
 *
 * @param allowAll the seed's postfix_relay_mynetworks toggle: every local client may send
 *     unauthenticated
 * @param allowedNetworks local client addresses that may send unauthenticated
 * @param allowedUsers Unix users whose processes may send unauthenticated (needs the peer lookup)
 */
public record GuardRules(
    boolean allowAll, List<Cidr> allowedNetworks, Set<String> allowedUsers, SmtpReply reply) {

  public GuardRules {
    allowedNetworks = List.copyOf(allowedNetworks);
    allowedUsers = Set.copyOf(allowedUsers);
    if (!reply.permanent()) {
      throw new IllegalArgumentException(
          "the guard's reply must be a permanent (5xx) refusal: " + reply);
    }
  }

  /** The guard's verdict for a transaction's session: who may send without logging in. */
  public GuardDecision decide(Transaction tx, ClientIdentity identity) {
    if (tx.connection().origin() == MailOrigin.NON_SMTPD) {
      return GuardDecision.LOCAL_SUBMISSION;
    }
    if (tx.authenticatedUser().isPresent()) {
      return GuardDecision.AUTHENTICATED;
    }
    if (!identity.kind().localSmtp()) {
      return GuardDecision.NOT_LOCAL;
    }
    InetAddress client = tx.connection().client().address();
    return exception(client, identity.unixUser()).orElse(GuardDecision.REFUSED);
  }

  /** Why an unauthenticated local client is let through, if it is. */
  private Optional<GuardDecision> exception(InetAddress client, Optional<String> unixUser) {
    if (allowAll) {
      return Optional.of(GuardDecision.ALLOWED_ALL);
    }
    if (client != null && allowedNetworks.stream().anyMatch(network -> network.contains(client))) {
      return Optional.of(GuardDecision.ALLOWED_NETWORK);
    }
    if (unixUser.filter(allowedUsers::contains).isPresent()) {
      return Optional.of(GuardDecision.ALLOWED_USER);
    }
    return Optional.empty();
  }
}
