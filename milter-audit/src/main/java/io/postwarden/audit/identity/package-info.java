/**
 * Who is behind an SMTP session or a sendmail(1) submission, established once per session on a
 * policy worker (never on the event loop) and kept in the session's attributes for the guard, the
 * audit tags and the limits. Command lines are redacted here, before anything can record them.
 */
package io.postwarden.audit.identity;
