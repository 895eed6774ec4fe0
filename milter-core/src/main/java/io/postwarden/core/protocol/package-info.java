/**
 * The milter wire format as Postwarden speaks it: decoding MTA commands, option negotiation and
 * encoding replies. Pure: no I/O and no session state. Strings are octet strings (ISO-8859-1, one
 * char per byte) so 8-bit data is never altered (ADR 0002); negotiation never skips DATA or end of
 * headers (ADR 0003, docs/postfix-milter.md).
 */
package io.postwarden.core.protocol;
