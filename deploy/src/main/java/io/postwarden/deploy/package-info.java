/**
 * The {@code postwarden} executable: the daemon's assembly (listeners, policy workers, metrics,
 * reload on SIGHUP) and the operator commands ({@code config check}, {@code srs}, {@code audit},
 * {@code held}, {@code limits}). {@link io.postwarden.deploy.Modules} is the one place that knows
 * every module; no policy logic lives here.
 */
package io.postwarden.deploy;
