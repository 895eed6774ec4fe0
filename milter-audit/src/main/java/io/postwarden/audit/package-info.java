/**
 * The local-submission guard and the audit trail as one module: settings ({@link
 * io.postwarden.audit.AuditKeys}) and their assembly ({@link io.postwarden.audit.AuditModule},
 * guard first in the chain, audit tags last). The work is in the subpackages; this package only
 * wires them.
 */
package io.postwarden.audit;
