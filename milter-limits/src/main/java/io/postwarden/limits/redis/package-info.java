/**
 * Sending-limit counters in a Redis shared by several mail servers: one atomic {@code charge.lua}
 * call per event across all of the sender's keys (ADR 0019). The connection itself is {@code
 * core.redis}'s.
 */
package io.postwarden.limits.redis;
