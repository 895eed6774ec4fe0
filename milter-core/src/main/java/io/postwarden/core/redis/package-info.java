/**
 * The connection to a Redis (or Valkey) that stores share between mail servers (sending limits,
 * long SRS senders), and the URI syntax of the settings that name one. Calls block a policy worker
 * up to their timeout, never the milter's event loop.
 */
package io.postwarden.core.redis;
