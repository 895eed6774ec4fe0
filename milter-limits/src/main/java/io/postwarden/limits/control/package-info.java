/**
 * The private Unix control socket through which {@code postwarden limits status | reset} reach the
 * running daemon's counters. Never a TCP port and never a socket other users can open: whoever
 * reaches it can reset their own counts.
 */
package io.postwarden.limits.control;
