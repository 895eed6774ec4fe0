package io.postwarden.srs.maps;

import io.postwarden.core.lookup.LookupContext;
import io.postwarden.core.lookup.LookupResult;
import io.postwarden.core.lookup.LookupTable;
import io.postwarden.srs.policy.SrsRules;
import java.util.List;
import java.util.Optional;

/**
 * {@code forward}, for sender_canonical_maps: the sender's SRS address, or not found when it keeps
 * its own. The map sees the sender only, so it decides by the sender rules alone (null sender, our
 * domains, our SRS domain); it cannot see recipients or a login, and rewrites as always-rewrite
 * does (ADR 0017).
 */
final class ForwardTable implements LookupTable {

  private final SrsRules rules;

  ForwardTable(SrsRules rules) {
    this.rules = rules;
  }

  /** A sender too long for an SRS address of its own is written to the long-sender store. */
  @Override
  public boolean mayBlock(String sender) {
    return sender.indexOf('@') > 0
        && rules.needsSenderStore(sender, List.of(), rules::reverseIfOurs);
  }

  @Override
  public LookupResult lookup(String sender, LookupContext context) {
    if (sender.indexOf('@') <= 0) {
      // not a whole address: Postfix's "user" and "@domain" keys for other table types, or nothing
      // we could sign
      return LookupResult.NOT_FOUND;
    }
    Optional<String> kept = rules.senderKeptBecause(sender);
    if (kept.isPresent()) {
      rules.kept(sender, kept.get(), "-");
      return LookupResult.NOT_FOUND;
    }
    return rules
        .forward(sender, "-")
        .<LookupResult>map(LookupResult.Found::new)
        .orElse(LookupResult.NOT_FOUND);
  }
}
