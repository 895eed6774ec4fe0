package io.postwarden.srs.maps;

import io.postwarden.core.lookup.LookupContext;
import io.postwarden.core.lookup.LookupResult;
import io.postwarden.srs.codec.ReverseResult;
import io.postwarden.srs.longsender.SenderStoreUnavailableException;
import io.postwarden.srs.policy.SrsRules;

/**
 * {@code reverse}, for recipient_canonical_maps: the original sender of a valid SRS address at our
 * SRS domain. Any other address, and an invalid one, is not found and stays as it is; invalid ones
 * are refused at RCPT by {@code srs-verify} (or bounced by the safety-net transport), never
 * delivered.
 */
final class ReverseTable extends SrsAddressTable {

  ReverseTable(SrsRules rules) {
    super(rules);
  }

  @Override
  LookupResult answer(ReverseResult ours, String recipient, LookupContext context) {
    ReverseResult result = ours;
    if (result instanceof ReverseResult.Reversed valid) {
      try {
        result = rules.original(valid);
      } catch (SenderStoreUnavailableException e) {
        rules.storeUnavailable(recipient, e);
        // cleanup defers the message and retries it: no bounce goes astray while the store is down
        return new LookupResult.Failed(e.getMessage());
      }
    }
    if (result instanceof ReverseResult.Rejected rejected) {
      rules.notReversed(rejected);
      return LookupResult.NOT_FOUND;
    }
    String original = ((ReverseResult.Reversed) result).address();
    rules.reversed(recipient, original, "-");
    return new LookupResult.Found(original);
  }
}
