/**
 * The rules every file of signing secrets must meet (the SRS secrets, the audit key): private to
 * Postwarden's user, its group only if it is Postwarden's own (ADR 0015). Checks the mode, not
 * readability; creates such a file with one random secret when asked.
 */
package io.postwarden.core.secrets;
