/**
 * What a sending limit says ({@code recipients 500/1h hold cooldown 1h}): the rules, their per-key
 * overrides in {@code limits-file}, and the table the policy looks them up in. Counting is {@code
 * limits.store}'s.
 */
package io.postwarden.limits.rule;
