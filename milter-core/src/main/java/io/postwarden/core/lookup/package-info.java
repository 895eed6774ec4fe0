/**
 * Lookup tables Postfix asks over socketmap or tcp_table (ADR 0017): the table interface, the
 * results, and pure codecs for both protocols (netstrings, request and reply lines). Tables are
 * called on a network thread: they answer from memory, quickly, and never throw for a bad key. No
 * sockets here; the server is in {@code lookup.server}.
 */
package io.postwarden.core.lookup;
