/**
 * Domain names as the SRS policy and recipient routing both match them: the configured domains this
 * server sends for, and the domain part of an address.
 */
package io.postwarden.srs.domains;
