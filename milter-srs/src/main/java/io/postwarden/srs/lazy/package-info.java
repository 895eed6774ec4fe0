/**
 * Lazy SRS (ADR 0025): keep a forwarded message's sender when its domain's SPF already passes for
 * every address this server sends from, with outcomes cached within bounds. DNS is asked on policy
 * workers only, never on an event loop; anything short of a pass means rewrite.
 */
package io.postwarden.srs.lazy;
