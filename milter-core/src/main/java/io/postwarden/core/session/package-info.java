/**
 * The state machine of one milter connection and the policy chain it asks (ADR 0002): commands in
 * protocol order, macros with their lifetimes, memory reserved per transaction and across sessions.
 * Knows no socket and does no I/O; each session is confined to one thread at a time.
 */
package io.postwarden.core.session;
