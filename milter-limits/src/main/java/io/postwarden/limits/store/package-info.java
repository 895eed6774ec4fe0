/**
 * Where sending-limit counters live: in this process with bounded memory per key kind, or shared
 * (Redis) with a local fallback. Every charge is atomic across the keys it names; counts use
 * constant-space sliding windows.
 */
package io.postwarden.limits.store;
