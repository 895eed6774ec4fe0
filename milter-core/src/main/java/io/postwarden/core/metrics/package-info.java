/**
 * The core's meters (sessions, stages, decisions per policy) and the HTTP endpoint that serves
 * {@code /metrics} to Prometheus and {@code /health}.
 */
package io.postwarden.core.metrics;
