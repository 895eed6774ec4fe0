/**
 * The SRS lookup tables Postfix asks over socketmap or tcp_table (ADR 0017): PostSRSd's {@code
 * forward} and {@code reverse} canonical maps and the access tables that refuse at RCPT what the
 * milter would. They decide through {@code SrsRules}, as the milter does, on the lookup server's
 * own I/O threads (never the milter's event loop); only a long sender's key reaches the store (ADR
 * 0023).
 */
package io.postwarden.srs.maps;
