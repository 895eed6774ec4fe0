package io.postwarden.srs.maps;

import io.postwarden.core.lookup.LookupContext;
import io.postwarden.core.lookup.LookupResult;
import io.postwarden.core.lookup.LookupTable;
import io.postwarden.srs.policy.SrsRules;

/**
 * {@code srs-null-sender}, for check_sender_access in the restriction class Postfix applies to
 * recipients at our SRS domain: refuses every sender but the null one (ADR 0011). Postfix looks the
 * null sender up as {@code <>} (smtpd_null_access_lookup_key, its default).
 */
final class NullSenderTable implements LookupTable {

  static final String NULL_SENDER_KEY = "<>";

  private final SrsRules rules;

  NullSenderTable(SrsRules rules) {
    this.rules = rules;
  }

  @Override
  public LookupResult lookup(String sender, LookupContext context) {
    String asSent = sender.equals(NULL_SENDER_KEY) ? "" : sender;
    return rules
        .senderRule(asSent, "")
        .<LookupResult>map(reply -> new LookupResult.Found(reply.toString()))
        .orElse(LookupResult.NOT_FOUND);
  }
}
