/**
 * The audit tags: at end of message, our own {@code X-Postwarden-*} headers that arrived with the
 * message are deleted, a signed {@code X-Postwarden-Audit} header (and optionally a smart-host
 * header) is added, and one audit record is written. Runs last in the chain, so it records what the
 * other policies decided; it decides nothing itself.
 */
package io.postwarden.audit.tag;
