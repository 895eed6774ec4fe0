package io.postwarden.srs.routing;

import java.util.Optional;

/**
 * Where a recipient's mail really goes: whether any copy leaves this server. Forwarding is what SRS
 * exists for, so the sender is rewritten only when some recipient is delivered elsewhere.
 */
public interface RecipientRouting {

  enum Route {
    /** Delivered on this server only. */
    LOCAL,
    /** At least one copy leaves the server (relay, forwarding alias). */
    LEAVES
  }

  Route route(String recipient);

  /**
   * The route when it can be told without waiting (no process, no network); empty when it cannot.
   */
  Optional<Route> routeFromMemory(String recipient);
}
