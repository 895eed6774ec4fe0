package io.postwarden.srs.maps;

import io.postwarden.core.lookup.LookupContext;
import io.postwarden.core.lookup.LookupResult;
import io.postwarden.core.lookup.LookupTable;
import io.postwarden.srs.codec.ReverseResult;
import io.postwarden.srs.policy.SrsRules;
import java.util.Optional;

/**
 * A table keyed by a recipient that may be one of our SRS addresses ({@code reverse}, {@code
 * srs-verify}): any other address is not found; a stored long sender's address is resolved through
 * the store, so only that lookup may block.
 */
abstract class SrsAddressTable implements LookupTable {

  final SrsRules rules;

  SrsAddressTable(SrsRules rules) {
    this.rules = rules;
  }

  /** What the table answers for one of our SRS addresses, as the codec reversed it. */
  abstract LookupResult answer(ReverseResult ours, String recipient, LookupContext context);

  @Override
  public final LookupResult lookup(String recipient, LookupContext context) {
    return rules
        .reverseIfOurs(SrsRules.asPostfixDelivers(recipient))
        .map(ours -> answer(ours, recipient, context))
        .orElse(LookupResult.NOT_FOUND);
  }

  @Override
  public final boolean mayBlock(String recipient) {
    return rules.mayAskSenderStore(
        Optional.of(SrsRules.asPostfixDelivers(recipient)), rules::reverseIfOurs);
  }
}
