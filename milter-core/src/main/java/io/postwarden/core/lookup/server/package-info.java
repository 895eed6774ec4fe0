/**
 * The Netty server that serves lookup tables beside the milter listener and independently of it:
 * socketmap and tcp_table listeners, bounded connections, request sizes and idle time, metrics.
 * Protocol details belong to the codecs in {@code core.lookup}, answers to the tables.
 */
package io.postwarden.core.lookup.server;
