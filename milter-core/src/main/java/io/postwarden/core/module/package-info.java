/**
 * The contract every policy module keeps ({@link io.postwarden.core.module.PolicyModule}), and the
 * chain its policies are built into, so the daemon assembles modules from a list instead of naming
 * each one's parts.
 */
package io.postwarden.core.module;
