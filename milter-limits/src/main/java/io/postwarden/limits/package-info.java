/**
 * Sending limits (ADRs 0018, 0019): the policy that counts messages and recipients per sender key,
 * defers SMTP clients over a limit and holds sendmail(1) mail, with its settings, metrics and
 * module. Counting lives in {@code limits.store}; this package decides what to count and what
 * happens to excess. Runs on policy workers.
 */
package io.postwarden.limits;
