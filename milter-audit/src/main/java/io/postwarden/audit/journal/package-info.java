/**
 * Audit records copied to the systemd journal as structured entries, over journald's native
 * protocol: {@link io.postwarden.audit.journal.JournalEntry} encodes, {@link
 * io.postwarden.audit.journal.JournalSocket} sends, {@link
 * io.postwarden.audit.journal.AuditJournal} turns each record into an entry and counts what could
 * not be sent.
 */
package io.postwarden.audit.journal;
