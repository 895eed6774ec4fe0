/**
 * The keys a message is counted against ({@code sasl:}, {@code unix:}, {@code domain:}, {@code
 * client:}, {@code server}) and how one transaction maps to them. Pure: the sender's identity comes
 * from the audit module; no lookups here.
 */
package io.postwarden.limits.key;
