package io.postwarden.core.config;

import java.util.Collection;
import java.util.Optional;

/** Suggests the key a misspelt one was probably meant to be. */
final class DidYouMean {

  private static final int MAX_DISTANCE = 2;

  private DidYouMean() {}

  /**
   * The candidate nearest to {@code typed}, if it is within two edits and no other candidate is as
   * near.
   */
  static Optional<String> suggest(String typed, Collection<String> candidates) {
    String nearest = null;
    int nearestDistance = MAX_DISTANCE + 1;
    boolean tied = false;
    for (String candidate : candidates) {
      int distance = distance(typed, candidate);
      if (distance < nearestDistance) {
        nearest = candidate;
        nearestDistance = distance;
        tied = false;
      } else if (distance == nearestDistance) {
        tied = true;
      }
    }
    return tied ? Optional.empty() : Optional.ofNullable(nearest);
  }

  /**
   * Edit distance counting an insertion, deletion, substitution or swap of neighbouring characters
   * as one edit (optimal string alignment): swapped letters, as in {@code hash-lenght}, are the
   * commonest typo.
   */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int substitution = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] =
            Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + substitution);
        if (i > 1
            && j > 1
            && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
