/**
 * SPF evaluation for lazy SRS and {@code postwarden doctor}: Apache jSPF over our own dnsjava
 * resolver, one deadline per evaluation, the smallest TTL noted for caching. Blocks on DNS: never
 * call it from an event loop.
 */
package io.postwarden.srs.spf;
