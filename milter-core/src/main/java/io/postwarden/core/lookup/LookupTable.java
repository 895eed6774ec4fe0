package io.postwarden.core.lookup;

/**
 * One named table served to Postfix over socketmap or tcp_table. Called on a network thread, so it
 * answers from memory and quickly; it never throws for a bad key (a key it does not understand is
 * simply not found).
 */
@FunctionalInterface
public interface LookupTable {

  /**
   * @param key the decoded key, octets as ISO-8859-1 characters
   * @param context the client connection the request came on
   */
  LookupResult lookup(String key, LookupContext context);
}
