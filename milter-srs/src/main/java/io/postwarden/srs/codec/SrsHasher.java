package io.postwarden.srs.codec;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The SRS hash: the first N base64 characters of HMAC-SHA1(secret, lc(field1) + lc(field2) + ...),
 * where lc is ASCII lowercasing and the fields are joined with nothing between them.
 */
final class SrsHasher {

  /** What checking a presented hash found. */
  enum Check {
    VALID,
    TOO_SHORT,
    MISMATCH
  }

  private static final String HMAC_SHA1 = "HmacSHA1";

  /**
   * One initialised MAC per secret, signing secret first; cloned per use because a Mac is not
   * thread-safe.
   */
  private final List<Mac> keyedMacs;

  private final int hashLength;
  private final int hashMinimum;
  private final HashAlphabet alphabet;

  SrsHasher(SrsConfig config) {
    this.keyedMacs = keyedMacs(config.secrets());
    this.hashLength = config.hashLength();
    this.hashMinimum = config.hashMinimum();
    this.alphabet = config.alphabet();
  }

  /** The hash of the fields under the signing secret, in the configured alphabet. */
  String sign(String... fields) {
    return alphabet.encode(digest(keyedMacs.get(0), fields)).substring(0, hashLength);
  }

  /** HMAC-SHA1 of the bytes as given (no lowercasing) under the signing secret. */
  byte[] signingDigest(byte[] message) {
    return freshCopy(keyedMacs.get(0)).doFinal(message);
  }

  /**
   * Checks a presented hash against every secret. Like PostSRSd, only its first hash-length
   * characters count, a shorter one counts if it reaches the minimum, case is ignored (MTAs smash
   * it), and {@code -_} equal {@code +/} so both alphabets verify. The comparison is constant-time
   * on the normalised forms.
   */
  Check check(String presented, String... fields) {
    if (presented.length() < hashMinimum) {
      return Check.TOO_SHORT;
    }
    int comparedLength = Math.min(presented.length(), hashLength);
    byte[] normalisedPresented = normalised(presented, comparedLength);
    for (Mac keyedMac : keyedMacs) {
      String expected = HashAlphabet.BASE64.encode(digest(keyedMac, fields));
      if (MessageDigest.isEqual(normalisedPresented, normalised(expected, comparedLength))) {
        return Check.VALID;
      }
    }
    return Check.MISMATCH;
  }

  private static byte[] normalised(String hash, int length) {
    byte[] bytes = new byte[length];
    for (int i = 0; i < length; i++) {
      bytes[i] = (byte) Octets.asciiLowerCase(toClassicBase64(hash.charAt(i)));
    }
    return bytes;
  }

  private static char toClassicBase64(char c) {
    return switch (c) {
      case '-' -> '+';
      case '_' -> '/';
      default -> c;
    };
  }

  private static byte[] digest(Mac keyedMac, String... fields) {
    return freshCopy(keyedMac).doFinal(Octets.lowerCasedConcatenation(fields));
  }

  private static Mac freshCopy(Mac keyedMac) {
    try {
      return (Mac) keyedMac.clone();
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException("the HmacSHA1 provider cannot clone a keyed Mac", e);
    }
  }

  private static List<Mac> keyedMacs(SrsSecrets secrets) {
    List<Mac> macs = new ArrayList<>(secrets.count());
    for (byte[] secret : secrets.keys()) {
      try {
        Mac mac = Mac.getInstance(HMAC_SHA1);
        mac.init(new SecretKeySpec(secret, HMAC_SHA1));
        macs.add(mac);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("HmacSHA1 is not available in this JVM", e);
      }
    }
    // Fail at start-up rather than on the first message if the provider cannot clone.
    freshCopy(macs.get(0));
    return List.copyOf(macs);
  }
}
