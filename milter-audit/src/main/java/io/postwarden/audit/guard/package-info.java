/**
 * The guard: refuses unauthenticated mail from this host's own SMTP clients at MAIL FROM, unless an
 * operator rule allows it (ADR 0009). It fails closed: only a remote TCP peer is not local, and
 * only the transaction's MAIL-stage {@code {auth_authen}} counts as a login. It decides from the
 * client's identity and does no lookups of its own.
 */
package io.postwarden.audit.guard;
