package io.postwarden.srs.domains;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The domains this server sends for, in PostSRSd's notation: {@code example.com} matches that
 * domain, {@code .example.com} any subdomain of it. Matching ignores ASCII case.
 */
public final class OurDomains {

  private final Set<String> exact;
  private final List<String> suffixes;

  public OurDomains(List<String> entries) {
    exact =
        entries.stream()
            .filter(d -> !d.startsWith("."))
            .map(OurDomains::lower)
            .collect(Collectors.toSet());
    suffixes = entries.stream().filter(d -> d.startsWith(".")).map(OurDomains::lower).toList();
  }

  public boolean contains(String domain) {
    String candidate = lower(domain);
    return exact.contains(candidate) || suffixes.stream().anyMatch(candidate::endsWith);
  }

  /** The domain part of an address (after the last '@'), or "" when there is none. */
  public static String domainOf(String address) {
    int at = address.lastIndexOf('@');
    return at < 0 ? "" : address.substring(at + 1);
  }

  private static String lower(String domain) {
    return domain.toLowerCase(Locale.ROOT);
  }

  @Override
  public String toString() {
    return exact + " " + suffixes;
  }
}
