/**
 * The milter core's own settings ({@link io.postwarden.core.CoreKeys}: listeners, deadlines,
 * limits; {@link io.postwarden.core.LookupKeys}: the lookup-table listeners). The core itself is in
 * the subpackages: {@code protocol} (pure codec), {@code session} (state machine), {@code server}
 * (transport), {@code policy} (the API policies implement), {@code lookup} (socketmap and
 * tcp_table).
 */
package io.postwarden.core;
