package io.postwarden.srs.routing;

/**
 * Where a recipient's mail really goes: whether any copy leaves this server. Forwarding is what SRS exists for,
 * so the sender is rewritten only when some recipient is delivered elsewhere.
 */
public interface RecipientRouting {

  enum Route {
    /** Delivered on this server only. */
    LOCAL,
    /** At least one copy leaves the server (relay, forwarding alias). */
    LEAVES
  }

  Route route(String recipient);
}
