/**
 * The SRS policy of the milter and the rules it shares with the lookup tables ({@code SrsRules}):
 * which senders to rewrite, what to reverse, what to refuse at RCPT (null sender only, hash oracle
 * throttle, Postfix's reading of addresses; ADRs 0011, 0012, 0024) and their settings. The address
 * format itself is the codec's (docs/srs-format.md).
 */
package io.postwarden.srs.policy;
