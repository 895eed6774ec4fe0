/**
 * The SRS secret in one place: PostSRSd's secrets file format, the rules a file must meet before
 * its secrets sign anything (private, long enough), creating it on first start, watching it for
 * changes, and the codec built from the secrets in force.
 */
package io.postwarden.srs.secrets;
