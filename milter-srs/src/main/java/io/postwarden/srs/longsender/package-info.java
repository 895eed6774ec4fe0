/**
 * Senders whose SRS address would pass 64 octets, stored under a key in SQLite or a shared Redis in
 * PostSRSd 2's layout (ADR 0023). Only hash-verified addresses reach the store, writes are bounded
 * per hour and in total, and the store file must be private. Blocking I/O: never on the milter's
 * event loop.
 */
package io.postwarden.srs.longsender;
