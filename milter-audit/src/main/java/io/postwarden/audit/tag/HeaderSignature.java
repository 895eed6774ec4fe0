package io.postwarden.audit.tag;

import io.postwarden.audit.log.Crockford;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs the value of {@code X-Postwarden-Audit} with a last field {@code sig=}: an HMAC-SHA256 over
 * the audit id and every other field, cut to 80 bits (16 Crockford base32 characters). A header
 * made up without our key, or one of ours with its id or user changed, then fails to verify. White
 * space is left out of what is signed: our fields have none, and a header folded on its way through
 * other servers still verifies.
 */
public final class HeaderSignature {

  public static final String FIELD = "sig";
  private static final String SEPARATOR = "; " + FIELD + "=";
  private static final byte[] CONTEXT =
      (AuditHeader.NAME + ":").getBytes(StandardCharsets.US_ASCII);
  private static final int TAG_BYTES = 10;

  public enum Verdict {
    /** Signed with one of our keys, unchanged. */
    VALID,
    /**
     * Has a signature that none of our keys made for this text: made up, or altered after we signed
     * it.
     */
    INVALID,
    /** No signature at all: written before signatures, or by someone else. */
    UNSIGNED
  }

  private final AuditKey key;

  public HeaderSignature(AuditKey key) {
    this.key = key;
  }

  /** {@code value} with its signature appended. */
  public String signed(String value) {
    return value + SEPARATOR + tag(key.signing(), canonical(value));
  }

  /**
   * Checks a header value as a report shows it (folded or not); the signature must be its last
   * field.
   */
  public Verdict verify(String headerValue) {
    String canonical = canonical(headerValue);
    int at = canonical.lastIndexOf(";" + FIELD + "=");
    if (at < 0) {
      return Verdict.UNSIGNED;
    }
    byte[] claimed =
        canonical.substring(at + FIELD.length() + 2).getBytes(StandardCharsets.US_ASCII);
    String signedPart = canonical.substring(0, at);
    for (byte[] candidate : key.all()) {
      if (MessageDigest.isEqual(
          claimed, tag(candidate, signedPart).getBytes(StandardCharsets.US_ASCII))) {
        return Verdict.VALID;
      }
    }
    return Verdict.INVALID;
  }

  /** Without white space: what folding and unfolding may change is not signed. */
  private static String canonical(String value) {
    StringBuilder out = new StringBuilder(value.length());
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static String tag(byte[] secret, String canonical) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      mac.update(CONTEXT);
      byte[] digest = mac.doFinal(canonical.getBytes(StandardCharsets.ISO_8859_1));
      return Crockford.encode(Arrays.copyOf(digest, TAG_BYTES));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
    }
  }
}
