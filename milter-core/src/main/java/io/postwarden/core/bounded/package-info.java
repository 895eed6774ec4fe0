/**
 * Data structures with a hard size bound, for state that attackers feed: a flood of new keys evicts
 * old ones instead of filling the heap.
 */
package io.postwarden.core.bounded;
