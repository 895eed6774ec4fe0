/**
 * Whether any copy of a message leaves this server, asked of Postfix itself ({@code postconf},
 * {@code postmap -q}) and following aliases and users' forward files as cleanup and local(8) would
 * (ADR 0007, 0027), with answers remembered until a map or forward file changes (ADR 0020). Starts
 * processes: policy workers only, never the event loop.
 */
package io.postwarden.srs.routing;
