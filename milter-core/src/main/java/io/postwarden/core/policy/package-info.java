/**
 * The API between the core and the policies: what a policy sees (connection, transaction, macros,
 * headers) and what it answers (verdicts, SMTP replies, modifications). A policy never sees
 * protocol packets or sockets; the core turns its decisions into milter replies, and modifications
 * are accepted only at end of message (Postfix's rule, docs/postfix-milter.md).
 */
package io.postwarden.core.policy;
