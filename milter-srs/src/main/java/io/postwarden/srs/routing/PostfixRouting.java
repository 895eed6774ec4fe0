package io.postwarden.srs.routing;

import io.postwarden.core.logging.RateLimitedLog;
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
import java.util.function.Function;

/**
 * Follows a recipient the way Postfix's cleanup and local(8) would: virtual aliases first
 * (user@domain, then user for local domains, then @domain), then the address class of its domain
 * (domain lists matched as Postfix matches them, maps and files included), then for local domains
 * local aliases (user+extension, then user) and, without one, the user's forward file. An address
 * in a domain this server does not deliver for leaves it. Expansion is breadth-first, bounded, and
 * stops at the first address that leaves. When Postfix cannot be asked, or a forward file cannot be
 * read, the answer is LEAVES: rewriting a local-only message costs nothing, not rewriting a
 * forwarded one breaks SPF (ADR 0007, 0027).
 */
public final class PostfixRouting implements RecipientRouting {

  private static final System.Logger LOG = System.getLogger(PostfixRouting.class.getName());
  private static final RateLimitedLog WARNINGS = RateLimitedLog.perMinute(LOG);
  private static final int MAX_ADDRESSES = 100;

  /** local(8) finds users with getpwnam(3); this map is Postfix's view of the same. */
  static final String PASSWD = "unix:passwd.byname";

  private final MapLookup virtualAliasMaps;
  private final MapLookup aliasMaps;
  private final PostfixDomainList localDomains;
  private final PostfixDomainList virtualMailboxDomains;
  private final PostfixDomainList virtualAliasDomains;
  private final String delimiters;
  private final DotForward dotForward;
  private final boolean followLocalForwards;

  private PostfixRouting(
      MapLookup virtualAliasMaps,
      MapLookup aliasMaps,
      PostfixDomainList localDomains,
      PostfixDomainList virtualMailboxDomains,
      PostfixDomainList virtualAliasDomains,
      String delimiters,
      DotForward dotForward,
      boolean followLocalForwards) {
    this.virtualAliasMaps = virtualAliasMaps;
    this.aliasMaps = aliasMaps;
    this.localDomains = localDomains;
    this.virtualMailboxDomains = virtualMailboxDomains;
    this.virtualAliasDomains = virtualAliasDomains;
    this.delimiters = delimiters;
    this.dotForward = dotForward;
    this.followLocalForwards = followLocalForwards;
  }

  /**
   * Reads the address classes, maps and forward_path from main.cf; the maps' answers are remembered
   * as {@link CachedMapLookup} says, for {@code keepUnfiled} at most where a map has no file to
   * watch.
   *
   * @param followLocalForwards whether local(8)'s forwards (alias_maps, forward files) count; false
   *     when a cleanup service of their own rewrites them (ADR 0028)
   */
  public static PostfixRouting read(
      PostfixCommands postfix,
      Duration keepUnfiled,
      Clock clock,
      RoutingMetrics metrics,
      boolean followLocalForwards)
      throws IOException {
    return read(postfix, PASSWD, keepUnfiled, clock, metrics, followLocalForwards);
  }

  /**
   * @param passwd the map that answers a user name with its passwd entry
   */
  static PostfixRouting read(
      PostfixCommands postfix,
      String passwd,
      Duration keepUnfiled,
      Clock clock,
      RoutingMetrics metrics,
      boolean followLocalForwards)
      throws IOException {
    Function<String, MapLookup> tables =
        map -> cached(postfix, List.of(map), keepUnfiled, clock, metrics);
    String delimiters = postfix.setting("recipient_delimiter");
    return new PostfixRouting(
        cached(postfix, maps(postfix, "virtual_alias_maps"), keepUnfiled, clock, metrics),
        cached(postfix, maps(postfix, "alias_maps"), keepUnfiled, clock, metrics),
        domains(postfix, "mydestination", tables),
        domains(postfix, "virtual_mailbox_domains", tables),
        domains(postfix, "virtual_alias_domains", tables),
        delimiters,
        new DotForward(
            tables.apply(passwd),
            // forward_path's $names are local(8)'s, not main.cf's: read it unexpanded
            new ForwardPath(
                postfix.postconf("-h", "forward_path").strip(),
                postfix.setting("forward_expansion_filter")),
            delimiters,
            new ForwardFiles(clock, metrics)),
        followLocalForwards);
  }

  private static List<String> maps(PostfixCommands postfix, String setting) throws IOException {
    return PostfixCommands.list(postfix.setting(setting));
  }

  private static MapLookup cached(
      PostfixCommands postfix,
      List<String> maps,
      Duration keepUnfiled,
      Clock clock,
      RoutingMetrics metrics) {
    return new CachedMapLookup(
        maps, keys -> postfix.query(maps, keys), keepUnfiled, clock, metrics);
  }

  private static PostfixDomainList domains(
      PostfixCommands postfix, String setting, Function<String, MapLookup> tables)
      throws IOException {
    return PostfixDomainList.parse(setting, postfix.setting(setting), tables);
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
      // per message, and a recipient can be chosen by whoever sends: bounded
      WARNINGS.log(
          Level.WARNING,
          "cannot resolve a recipient",
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

  /**
   * Delivery by address class; local(8) addresses may expand further through alias_maps or, when
   * they have no alias, the user's forward file.
   */
  private Route classify(String address, Deque<String> pending, boolean remembered)
      throws IOException {
    String domain = OurDomains.domainOf(address);
    if (domain.isEmpty() || localDomains.contains(domain, remembered)) {
      if (!followLocalForwards) {
        return Route.LOCAL;
      }
      String local = localPart(address);
      String mailDomain = domain.isEmpty() ? "localhost" : domain;
      Optional<List<String>> aliases = localAliases(local, remembered);
      if (aliases.isPresent()
          && aliases.get().stream().anyMatch(target -> target.startsWith(":include:"))) {
        // a list file local(8) reads with the alias owner's rights, not followed here: it may
        // send anywhere, and rewriting a copy that stays costs nothing
        return Route.LEAVES;
      }
      List<String> targets =
          aliases.isPresent()
              ? aliases.get().stream()
                  .filter(target -> !target.startsWith("|") && !target.startsWith("/"))
                  .toList()
              : dotForward.targets(local, mailDomain, remembered).orElse(List.of());
      targets.stream()
          .map(target -> target.contains("@") ? target : target + "@" + mailDomain)
          .filter(target -> !target.equalsIgnoreCase(address))
          .forEach(pending::add);
      return Route.LOCAL;
    }
    if (virtualMailboxDomains.contains(domain, remembered)
        || virtualAliasDomains.contains(domain, remembered)) {
      return Route.LOCAL;
    }
    return Route.LEAVES;
  }

  private Optional<List<String>> virtualAlias(String address, boolean remembered)
      throws IOException {
    String domain = OurDomains.domainOf(address);
    List<String> keys =
        localDomains.contains(domain, remembered)
            ? List.of(address, localPart(address), "@" + domain)
            : List.of(address, "@" + domain);
    return first(virtualAliasMaps, keys, remembered).map(PostfixCommands::list);
  }

  /** local(8)'s order: the whole local part, then without its extension. */
  private Optional<List<String>> localAliases(String localPart, boolean remembered)
      throws IOException {
    String local = localPart.toLowerCase(Locale.ROOT);
    int extension = DotForward.extensionStart(local, delimiters);
    List<String> keys =
        extension < 0 ? List.of(local) : List.of(local, local.substring(0, extension));
    return first(aliasMaps, keys, remembered).map(PostfixCommands::list);
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
