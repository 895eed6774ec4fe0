package io.postwarden.srs.policy;

import io.postwarden.srs.domains.OurDomains;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Our SRS domains: the main one (srs-domain), and per hosted domain the SRS domain its forwards use
 * (srs-domain-map, docs/decisions/0024). Every one of them is ours to reverse and to refuse at,
 * subdomains included. Immutable.
 */
public final class SrsDomains {

  private final String main;
  private final Map<String, String> byRecipientDomain;
  private final Set<String> all;

  /**
   * @param byRecipientDomain recipient domain to SRS domain; keys are matched without regard to
   *     ASCII case
   */
  public SrsDomains(String main, Map<String, String> byRecipientDomain) {
    this.main = main;
    this.byRecipientDomain = new LinkedHashMap<>();
    byRecipientDomain.forEach(
        (recipient, srs) -> this.byRecipientDomain.put(lower(recipient), srs));
    this.all = new LinkedHashSet<>();
    all.add(main);
    all.addAll(this.byRecipientDomain.values());
  }

  /** Only the main SRS domain. */
  public static SrsDomains of(String main) {
    return new SrsDomains(main, Map.of());
  }

  /**
   * Map entries, {@code RECIPIENT-DOMAIN=SRS-DOMAIN} or {@code RECIPIENT-DOMAIN SRS-DOMAIN}.
   *
   * @throws IllegalArgumentException naming the entry that is not of that form
   */
  public static Map<String, String> parseEntries(List<String> entries) {
    Map<String, String> map = new LinkedHashMap<>();
    for (String entry : entries) {
      String[] parts = entry.trim().split("\\s*=\\s*|\\s+");
      if (parts.length != 2 || !plausibleDomain(parts[0]) || !plausibleDomain(parts[1])) {
        throw new IllegalArgumentException(
            "expected RECIPIENT-DOMAIN=SRS-DOMAIN, got \"" + entry + "\"");
      }
      if (map.putIfAbsent(lower(parts[0]), parts[1]) != null) {
        throw new IllegalArgumentException("recipient domain " + parts[0] + " is mapped twice");
      }
    }
    return map;
  }

  private static boolean plausibleDomain(String domain) {
    return !domain.isEmpty()
        && domain.indexOf('@') < 0
        && !domain.startsWith(".")
        && domain.chars().allMatch(c -> c > ' ' && c < 0x7f);
  }

  public String main() {
    return main;
  }

  /** Every SRS domain, the main one first. */
  public List<String> all() {
    return new ArrayList<>(all);
  }

  /** The SRS domain mapped for a recipient's domain, if any. */
  public Optional<String> forRecipient(String recipient) {
    return Optional.ofNullable(byRecipientDomain.get(lower(OurDomains.domainOf(recipient))));
  }

  /**
   * Whether {@code domain} is one of our SRS domains itself (an address in it is already
   * rewritten).
   */
  public boolean names(String domain) {
    return all.stream().anyMatch(domain::equalsIgnoreCase);
  }

  /**
   * Whether {@code domain} is one of our SRS domains or a subdomain of one: an SRS address there is
   * ours.
   */
  public boolean covers(String domain) {
    return all.stream().anyMatch(ours -> PostfixAddress.inDomain(domain, ours));
  }

  private static String lower(String domain) {
    return domain.toLowerCase(Locale.ROOT);
  }

  @Override
  public String toString() {
    return main + (byRecipientDomain.isEmpty() ? "" : " " + byRecipientDomain);
  }
}
