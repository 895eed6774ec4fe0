package io.postwarden.audit.tag;

import io.postwarden.core.policy.Header;
import io.postwarden.core.policy.Modification;
import io.postwarden.core.policy.Modification.ChangeHeader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Postwarden's own headers, all named {@code X-Postwarden-…}. Copies that arrive with a message are
 * deleted before ours are added, so nobody can forge or pre-seed an audit trail.
 */
public final class OurHeaders {

  public static final String PREFIX = "X-Postwarden-";

  private OurHeaders() {}

  /**
   * Deletions for every incoming header of ours. Postfix counts occurrences per name,
   * case-insensitively; each name is deleted from its last occurrence to its first, so the indexes
   * stay right whether or not Postfix renumbers.
   */
  public static List<Modification> removals(List<Header> headers) {
    return removals(headers, name -> name.regionMatches(true, 0, PREFIX, 0, PREFIX.length()));
  }

  /** Deletions for every incoming header whose name {@code ours} accepts, in the same order. */
  static List<Modification> removals(List<Header> headers, Predicate<String> ours) {
    Map<String, List<String>> occurrences = new LinkedHashMap<>();
    for (Header header : headers) {
      if (ours.test(header.name())) {
        occurrences
            .computeIfAbsent(header.name().toLowerCase(Locale.ROOT), key -> new ArrayList<>())
            .add(header.name());
      }
    }
    List<Modification> removals = new ArrayList<>();
    occurrences
        .values()
        .forEach(
            names -> {
              for (int occurrence = names.size(); occurrence >= 1; occurrence--) {
                removals.add(ChangeHeader.delete(names.get(occurrence - 1), occurrence));
              }
            });
    return removals;
  }
}
