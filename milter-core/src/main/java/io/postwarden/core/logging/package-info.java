/**
 * Postwarden's log lines: one line per record, one line per transaction beside Postfix's, and a
 * limit on how many lines of one kind a flood may write (the events are counted by metrics).
 */
package io.postwarden.core.logging;
