package io.postwarden.limits.store;

import io.postwarden.limits.key.LimitKey;
import io.postwarden.limits.rule.LimitRule;

/**
 * One limit one event is charged against.
 *
 * @param refusable whether the event may be refused when this limit has no room (an SMTP client
 *     that can be told 451); otherwise it is charged and reported over, and the message held
 */
public record Counter(LimitKey key, LimitRule rule, boolean refusable) {}
