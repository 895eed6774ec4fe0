/**
 * The Sender Rewriting Scheme codec, wire-compatible with PostSRSd and Mail::SRS.
 *
 * <p>Pure functions of their inputs: addresses, the configuration and an injected {@link
 * java.time.Clock}; no I/O (the secrets come from {@link io.postwarden.srs.secrets}). Addresses are
 * octet strings: one {@code char} per byte (ISO-8859-1), as the milter core hands them over, so
 * 8-bit local parts hash byte for byte like PostSRSd does. Deciding <em>whether</em> to rewrite
 * (local delivery, our own domains, the SRS domain of a bounce) is the policy's job, not the
 * codec's.
 */
package io.postwarden.srs.codec;
