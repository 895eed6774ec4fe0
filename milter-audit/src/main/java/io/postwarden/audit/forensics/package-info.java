/**
 * Reading the audit log back for {@code postwarden audit show | find | search | top}: rotated and
 * compressed files, queries, pasted headers and abuse reports, and checking a header's signature
 * against its record. Used by the command line only, never by the daemon; read-only, and everything
 * it prints is escaped, since records and reports hold text from attackers (ADR 0021).
 */
package io.postwarden.audit.forensics;
