package io.postwarden.srs.codec;

import java.util.Objects;

/**
 * How addresses are signed and verified. The defaults are PostSRSd's and Mail::SRS's.
 *
 * @param secrets signing key first, all keys verify
 * @param separator written after the SRS0/SRS1 tag
 * @param hashLength hash characters written, 1 to 27 (a base64 SHA-1 digest has 27 significant
 *     characters)
 * @param hashMinimum fewest hash characters accepted on reverse; PostSRSd 2 defaults it to 4
 *     whatever the hash length, Mail::SRS to the hash length
 * @param alphabet the alphabet hashes are written in; both are accepted on reverse
 * @param maxAgeDays how many days old a timestamp may be and still reverse, 1 to 1023 (stamps wrap
 *     every 1024 days)
 */
public record SrsConfig(
    SrsSecrets secrets,
    SrsSeparator separator,
    int hashLength,
    int hashMinimum,
    HashAlphabet alphabet,
    int maxAgeDays) {

  public static final int DEFAULT_HASH_LENGTH = 4;
  public static final int DEFAULT_HASH_MINIMUM = 4;
  public static final int DEFAULT_MAX_AGE_DAYS = 21;
  static final int MAX_HASH_LENGTH = 27;

  public SrsConfig {
    Objects.requireNonNull(secrets, "secrets");
    Objects.requireNonNull(separator, "separator");
    Objects.requireNonNull(alphabet, "alphabet");
    if (hashLength < 1 || hashLength > MAX_HASH_LENGTH) {
      throw new IllegalArgumentException(
          "SRS hash length must be between 1 and " + MAX_HASH_LENGTH + ", not " + hashLength);
    }
    if (hashMinimum < 1 || hashMinimum > hashLength) {
      // A minimum above the length would reject every address we write ourselves.
      throw new IllegalArgumentException(
          "SRS hash minimum must be between 1 and the hash length "
              + hashLength
              + ", not "
              + hashMinimum);
    }
    if (maxAgeDays < 1 || maxAgeDays >= DayStamp.CYCLE_DAYS) {
      throw new IllegalArgumentException(
          "SRS maximum age must be between 1 and "
              + (DayStamp.CYCLE_DAYS - 1)
              + " days, not "
              + maxAgeDays);
    }
  }

  /**
   * PostSRSd's defaults: separator {@code =}, 4 hash characters, minimum 4, classic base64, 21
   * days.
   */
  public static SrsConfig defaults(SrsSecrets secrets) {
    return new SrsConfig(
        secrets,
        SrsSeparator.EQUALS,
        DEFAULT_HASH_LENGTH,
        DEFAULT_HASH_MINIMUM,
        HashAlphabet.BASE64,
        DEFAULT_MAX_AGE_DAYS);
  }

  public SrsConfig withSecrets(SrsSecrets newSecrets) {
    return new SrsConfig(newSecrets, separator, hashLength, hashMinimum, alphabet, maxAgeDays);
  }

  public SrsConfig withSeparator(SrsSeparator newSeparator) {
    return new SrsConfig(secrets, newSeparator, hashLength, hashMinimum, alphabet, maxAgeDays);
  }

  public SrsConfig withHashLength(int newHashLength, int newHashMinimum) {
    return new SrsConfig(secrets, separator, newHashLength, newHashMinimum, alphabet, maxAgeDays);
  }

  public SrsConfig withAlphabet(HashAlphabet newAlphabet) {
    return new SrsConfig(secrets, separator, hashLength, hashMinimum, newAlphabet, maxAgeDays);
  }

  public SrsConfig withMaxAgeDays(int newMaxAgeDays) {
    return new SrsConfig(secrets, separator, hashLength, hashMinimum, alphabet, newMaxAgeDays);
  }
}
