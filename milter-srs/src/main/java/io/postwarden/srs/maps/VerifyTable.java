package io.postwarden.srs.maps;

import io.postwarden.core.lookup.LookupContext;
import io.postwarden.core.lookup.LookupResult;
import io.postwarden.core.policy.ClientAddress;
import io.postwarden.srs.codec.ReverseResult;
import io.postwarden.srs.policy.SrsRules;
import java.util.Optional;

/**
 * {@code srs-verify}, for check_recipient_access: refuses a forged, expired or malformed SRS
 * address at our SRS domain with the milter's reply ({@code 550 5.1.1 Invalid SRS address: ...});
 * anything else is not found (DUNNO). An invalid address counts against the client {@code
 * srs-client} noted on this connection, if any.
 */
final class VerifyTable extends SrsAddressTable {

  VerifyTable(SrsRules rules) {
    super(rules);
  }

  @Override
  LookupResult answer(ReverseResult ours, String recipient, LookupContext context) {
    Optional<ClientAddress> client = context.noted(ClientAddress.class);
    return rules
        .hashRule(ours, client, recipient)
        .or(() -> rules.storeRule(ours, client, recipient))
        .<LookupResult>map(reply -> new LookupResult.Found(reply.toString()))
        .orElse(LookupResult.NOT_FOUND);
  }
}
