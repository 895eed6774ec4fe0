package io.postwarden.deploy.doctor;

import java.util.ArrayList;
import java.util.List;

/**
 * Short SRS hashes can be guessed: hashes compare without regard to case, so each character is one
 * of 38 values, and a 4-character hash (PostSRSd's default) is one of about two million. See
 * docs/decisions/0012.
 */
final class SrsHashCheck implements Check {

  static final int SAFE_LENGTH = 8;
  private static final String TOPIC = "srs";
  private static final int CASE_INSENSITIVE_SYMBOLS = 38;

  private final int hashLength;
  private final int hashMinimum;

  SrsHashCheck(int hashLength, int hashMinimum) {
    this.hashLength = hashLength;
    this.hashMinimum = hashMinimum;
  }

  @Override
  public List<Finding> run() {
    List<Finding> findings = new ArrayList<>();
    if (hashMinimum < SAFE_LENGTH) {
      findings.add(
          Finding.warn(
              TOPIC,
              "hash-minimum = "
                  + hashMinimum
                  + ": a bounce address with "
                  + hashMinimum
                  + " hash characters verifies, and about one guess in "
                  + guesses(hashMinimum)
                  + " is right; a botnet "
                  + "gets there, and each valid address delivers to its original sender. Keep it below "
                  + SAFE_LENGTH
                  + " only for the 21 days after moving from PostSRSd (its addresses have 4), then set hash-minimum = "
                  + SAFE_LENGTH));
    }
    if (hashLength < SAFE_LENGTH) {
      findings.add(
          Finding.warn(
              TOPIC,
              "hash-length = "
                  + hashLength
                  + ": the SRS addresses we write can be "
                  + "guessed (one in "
                  + guesses(hashLength)
                  + "); set hash-length = "
                  + SAFE_LENGTH
                  + " (PostSRSd 2 and Mail::SRS read longer hashes)"));
    }
    if (findings.isEmpty()) {
      findings.add(
          Finding.ok(
              TOPIC,
              "SRS hashes: "
                  + hashLength
                  + " characters written, at least "
                  + hashMinimum
                  + " required"));
    }
    return findings;
  }

  private static String guesses(int length) {
    return String.format("%,.0f", Math.pow(CASE_INSENSITIVE_SYMBOLS, length));
  }
}
