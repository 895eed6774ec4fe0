package io.postwarden.audit.forensics;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where a shared host keeps its sites, as path patterns whose {@code *} segments name the site:
 * {@code /home/virtual/*} (ApisCP: site12), {@code /var/www/vhosts/*} (Plesk: the domain), {@code
 * /home/*} (one user per site). A path belongs to the first pattern that matches its leading
 * segments; the site is what the pattern's {@code *} segments matched, joined by "/".
 */
public final class SiteRoots {

  private final List<String[]> patterns;

  private SiteRoots(List<String[]> patterns) {
    this.patterns = patterns;
  }

  /**
   * @throws IllegalArgumentException for a pattern that is not absolute, has no {@code *} segment,
   *     or has a {@code *} within a segment
   */
  public static SiteRoots of(List<String> patterns) {
    List<String[]> parsed = new ArrayList<>();
    for (String pattern : patterns) {
      parsed.add(parse(pattern));
    }
    return new SiteRoots(List.copyOf(parsed));
  }

  /** Throws what {@link #of} would for this pattern. */
  public static void validate(String pattern) {
    parse(pattern);
  }

  private static String[] parse(String pattern) {
    String[] segments = segments(pattern);
    boolean wildcard = false;
    for (String segment : segments) {
      if (segment.contains("*") && !segment.equals("*")) {
        throw new IllegalArgumentException(
            "\"" + pattern + "\": * must stand for a whole path segment (/home/*/public_html)");
      }
      wildcard |= segment.equals("*");
    }
    if (!pattern.startsWith("/") || !wildcard) {
      throw new IllegalArgumentException(
          "\"" + pattern + "\": expected an absolute path with a * segment for the site's name");
    }
    return segments;
  }

  /** The site the path lies in, if it lies in one. */
  public Optional<String> siteOf(String path) {
    if (!path.startsWith("/")) {
      return Optional.empty();
    }
    String[] segments = segments(path);
    for (String[] pattern : patterns) {
      Optional<String> site = match(pattern, segments);
      if (site.isPresent()) {
        return site;
      }
    }
    return Optional.empty();
  }

  private static Optional<String> match(String[] pattern, String[] path) {
    if (path.length < pattern.length) {
      return Optional.empty();
    }
    StringBuilder site = new StringBuilder();
    for (int i = 0; i < pattern.length; i++) {
      if (pattern[i].equals("*")) {
        site.append(site.length() == 0 ? "" : "/").append(path[i]);
      } else if (!pattern[i].equals(path[i])) {
        return Optional.empty();
      }
    }
    return Optional.of(site.toString());
  }

  /** The non-empty segments: "/home//www-shop/" is home, www-shop. */
  private static String[] segments(String path) {
    return java.util.Arrays.stream(path.split("/"))
        .filter(segment -> !segment.isEmpty())
        .toArray(String[]::new);
  }
}
