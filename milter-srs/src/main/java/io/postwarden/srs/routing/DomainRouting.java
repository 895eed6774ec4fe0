package io.postwarden.srs.routing;

import io.postwarden.srs.domains.OurDomains;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Routing by the recipient's domain alone: one of ours is delivered here, anything else leaves.
 * Used when Postfix's maps cannot be consulted; it cannot see a local alias that forwards
 * elsewhere.
 */
public final class DomainRouting implements RecipientRouting {

  private final Supplier<OurDomains> local;

  public DomainRouting(Supplier<OurDomains> local) {
    this.local = local;
  }

  @Override
  public Route route(String recipient) {
    return local.get().contains(OurDomains.domainOf(recipient)) ? Route.LOCAL : Route.LEAVES;
  }

  @Override
  public Optional<Route> routeFromMemory(String recipient) {
    return Optional.of(route(recipient));
  }
}
