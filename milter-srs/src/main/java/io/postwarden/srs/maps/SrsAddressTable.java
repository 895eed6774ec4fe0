package io.postwarden.srs.maps;

import io.postwarden.core.lookup.LookupTable;
import io.postwarden.srs.policy.SrsRules;
import java.util.Optional;

/**
 * A table keyed by a recipient that may be one of our SRS addresses ({@code reverse}, {@code
 * srs-verify}): a stored long sender's address is resolved through the store, so only that lookup
 * may block.
 */
abstract class SrsAddressTable implements LookupTable {

  final SrsRules rules;

  SrsAddressTable(SrsRules rules) {
    this.rules = rules;
  }

  @Override
  public final boolean mayBlock(String recipient) {
    return rules.mayAskSenderStore(
        Optional.of(SrsRules.asPostfixDelivers(recipient)), rules::reverseIfOurs);
  }
}
