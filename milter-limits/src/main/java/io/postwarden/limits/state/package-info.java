/**
 * The limits state file that carries in-process counts across a restart (ADR 0019): its binary
 * format with a CRC, atomic whole-file writes, and the keeper that reads it at start and writes it
 * periodically. A file that is damaged or not private is refused whole, never half believed.
 */
package io.postwarden.limits.state;
