package io.postwarden.srs.codec;

import java.util.ArrayList;
import java.util.List;

/**
 * The HMAC keys, as bytes. The first one signs new addresses; all of them verify, which is how keys
 * are rotated: prepend the new secret and drop the old one once every address it signed has
 * expired.
 */
public final class SrsSecrets {

  private final List<byte[]> secrets;

  private SrsSecrets(List<byte[]> secrets) {
    this.secrets = secrets;
  }

  /**
   * @param secrets at least one, none empty (an HMAC key of zero bytes cannot be shared with
   *     PostSRSd, which reads secrets as C strings)
   */
  public static SrsSecrets of(List<byte[]> secrets) {
    if (secrets.isEmpty()) {
      throw new IllegalArgumentException("at least one SRS secret is required");
    }
    List<byte[]> copies = new ArrayList<>(secrets.size());
    for (byte[] secret : secrets) {
      if (secret.length == 0) {
        throw new IllegalArgumentException("SRS secrets must not be empty");
      }
      copies.add(secret.clone());
    }
    return new SrsSecrets(List.copyOf(copies));
  }

  public int count() {
    return secrets.size();
  }

  /** The keys in order, signing key first. Callers must not modify the arrays. */
  List<byte[]> keys() {
    return secrets;
  }

  @Override
  public String toString() {
    return "SrsSecrets[" + secrets.size() + (secrets.size() == 1 ? " secret]" : " secrets]");
  }
}
