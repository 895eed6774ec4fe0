package io.postwarden.core.lookup;

/**
 * What a lookup table answers for one key; the protocols encode it (socketmap OK/NOTFOUND/TEMP, tcp
 * 200/500/400).
 */
public sealed interface LookupResult {

  NotFound NOT_FOUND = new NotFound();

  /**
   * @param value the table's value: for Postfix, an address or an access(5) action
   */
  record Found(String value) implements LookupResult {}

  /** No entry: Postfix carries on as if the table did not list the key. */
  record NotFound() implements LookupResult {}

  /** The table cannot answer now; Postfix defers the mail (4xx) instead of deciding without it. */
  record Failed(String reason) implements LookupResult {}
}
