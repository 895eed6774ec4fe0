package io.postwarden.srs.routing;

import io.postwarden.core.postfix.PostfixCommands;
import io.postwarden.srs.domains.OurDomains;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Follows a recipient the way Postfix's cleanup and local(8) would: virtual aliases first
 * (user@domain, then user for local domains, then @domain), then the address class of its domain,
 * then local aliases. An address in a domain this server does not deliver for leaves it. Expansion
 * is breadth-first, bounded, and stops at the first address that leaves. When Postfix cannot be
 * asked, the answer is LEAVES: rewriting a local-only message costs nothing, not rewriting a
 * forwarded one breaks SPF. A user's ~/.forward is not visible from here.
 */
public final class PostfixRouting implements RecipientRouting {

  private static final System.Logger LOG = System.getLogger(PostfixRouting.class.getName());
  private static final int MAX_ADDRESSES = 100;

  private final MapLookup virtualAliasMaps;
  private final MapLookup aliasMaps;
  private final OurDomains localDomains;
  private final OurDomains virtualMailboxDomains;
  private final OurDomains virtualAliasDomains;

  private PostfixRouting(
      MapLookup virtualAliasMaps,
      MapLookup aliasMaps,
      OurDomains localDomains,
      OurDomains virtualMailboxDomains,
      OurDomains virtualAliasDomains) {
    this.virtualAliasMaps = virtualAliasMaps;
    this.aliasMaps = aliasMaps;
    this.localDomains = localDomains;
    this.virtualMailboxDomains = virtualMailboxDomains;
    this.virtualAliasDomains = virtualAliasDomains;
  }

  /**
   * Reads the address classes and maps from main.cf; the maps' answers are remembered as {@link
   * CachedMapLookup} says, for {@code keepUnfiled} at most where a map has no file to watch.
   */
  public static PostfixRouting read(
      PostfixCommands postfix, Duration keepUnfiled, Clock clock, RoutingMetrics metrics)
      throws IOException {
    return new PostfixRouting(
        maps(postfix, "virtual_alias_maps", keepUnfiled, clock, metrics),
        maps(postfix, "alias_maps", keepUnfiled, clock, metrics),
        domains(postfix, "mydestination"),
        domains(postfix, "virtual_mailbox_domains"),
        domains(postfix, "virtual_alias_domains"));
  }

  private static MapLookup maps(
      PostfixCommands postfix,
      String setting,
      Duration keepUnfiled,
      Clock clock,
      RoutingMetrics metrics)
      throws IOException {
    List<String> maps = PostfixCommands.list(postfix.setting(setting));
    return new CachedMapLookup(
        maps, keys -> postfix.query(maps, keys), keepUnfiled, clock, metrics);
  }

  /**
   * Domain lists may hold map references ("hash:/etc/postfix/domains"); those entries are looked up
   * per domain.
   */
  private static OurDomains domains(PostfixCommands postfix, String setting) throws IOException {
    return new OurDomains(
        PostfixCommands.list(postfix.setting(setting)).stream()
            .filter(entry -> !entry.contains(":"))
            .toList());
  }

  @Override
  public Optional<Route> routeFromMemory(String recipient) {
    try {
      return Optional.of(expand(recipient, true));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  @Override
  public Route route(String recipient) {
    try {
      return expand(recipient, false);
    } catch (IOException e) {
      LOG.log(
          Level.WARNING,
          "cannot resolve "
              + recipient
              + " through Postfix, treating it as leaving: "
              + e.getMessage());
      return Route.LEAVES;
    }
  }

  /**
   * @param remembered from the maps' remembered answers only, {@link MapLookup.NotRemembered} if
   *     they fall short
   */
  private Route expand(String recipient, boolean remembered) throws IOException {
    Deque<String> pending = new ArrayDeque<>(List.of(recipient));
    Set<String> seen = new HashSet<>();
    while (!pending.isEmpty()) {
      String address = pending.poll();
      if (!seen.add(address.toLowerCase(Locale.ROOT))) {
        continue;
      }
      if (seen.size() > MAX_ADDRESSES) {
        throw new IOException(
            "alias expansion of " + recipient + " exceeds " + MAX_ADDRESSES + " addresses");
      }
      Optional<List<String>> aliased = virtualAlias(address, remembered);
      if (aliased.isPresent()) {
        aliased.get().stream()
            .filter(target -> !target.equalsIgnoreCase(address))
            .forEach(pending::add);
        if (aliased.get().stream().anyMatch(target -> target.equalsIgnoreCase(address))) {
          if (classify(address, pending, remembered) == Route.LEAVES) {
            return Route.LEAVES;
          }
        }
        continue;
      }
      if (classify(address, pending, remembered) == Route.LEAVES) {
        return Route.LEAVES;
      }
    }
    return Route.LOCAL;
  }

  /** Delivery by address class; local(8) addresses may expand further through alias_maps. */
  private Route classify(String address, Deque<String> pending, boolean remembered)
      throws IOException {
    String domain = OurDomains.domainOf(address);
    if (domain.isEmpty() || localDomains.contains(domain)) {
      localAliases(localPart(address), remembered)
          .ifPresent(
              targets ->
                  targets.stream()
                      .filter(
                          target ->
                              !target.startsWith("|")
                                  && !target.startsWith("/")
                                  && !target.startsWith(":include:"))
                      .map(
                          target ->
                              target.contains("@")
                                  ? target
                                  : target + "@" + (domain.isEmpty() ? "localhost" : domain))
                      .filter(target -> !target.equalsIgnoreCase(address))
                      .forEach(pending::add));
      return Route.LOCAL;
    }
    if (virtualMailboxDomains.contains(domain) || virtualAliasDomains.contains(domain)) {
      return Route.LOCAL;
    }
    return Route.LEAVES;
  }

  private Optional<List<String>> virtualAlias(String address, boolean remembered)
      throws IOException {
    String domain = OurDomains.domainOf(address);
    List<String> keys =
        localDomains.contains(domain)
            ? List.of(address, localPart(address), "@" + domain)
            : List.of(address, "@" + domain);
    return first(virtualAliasMaps, keys, remembered).map(PostfixCommands::list);
  }

  private Optional<List<String>> localAliases(String localPart, boolean remembered)
      throws IOException {
    return first(aliasMaps, List.of(localPart.toLowerCase(Locale.ROOT)), remembered)
        .map(PostfixCommands::list);
  }

  private static Optional<String> first(MapLookup maps, List<String> keys, boolean remembered)
      throws IOException {
    return remembered ? maps.firstRemembered(keys) : maps.first(keys);
  }

  private static String localPart(String address) {
    int at = address.lastIndexOf('@');
    return at < 0 ? address : address.substring(0, at);
  }
}
