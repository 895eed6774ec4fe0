package io.postwarden.core.lookup;

/**
 * One named table served to Postfix over socketmap or tcp_table. It never throws for a bad key (a
 * key it does not understand is simply not found). A lookup runs on a network thread, answering
 * from memory, unless {@link #mayBlock} says it may block; then it runs on the lookup workers.
 */
@FunctionalInterface
public interface LookupTable {

  /**
   * @param key the decoded key, octets as ISO-8859-1 characters
   * @param context the client connection the request came on
   */
  LookupResult lookup(String key, LookupContext context);

  /**
   * Whether looking up {@code key} may block (a database or network store): answered at once,
   * without blocking. Default: never, so memory-only tables pay no thread hand-off.
   */
  default boolean mayBlock(String key) {
    return false;
  }
}
