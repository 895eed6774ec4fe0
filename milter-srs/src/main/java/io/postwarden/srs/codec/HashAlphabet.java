package io.postwarden.srs.codec;

import java.util.Base64;

/**
 * The alphabet the SRS hash is written in. Verification accepts both, whatever is configured here.
 */
public enum HashAlphabet {
  /** {@code A-Za-z0-9+/}: Mail::SRS, libsrs2 and PostSRSd up to 2.2.5. */
  BASE64(Base64.getEncoder()),
  /**
   * {@code A-Za-z0-9-_}: PostSRSd 2.2.6 and later, because some receivers (Yandex, Exim, Outlook)
   * reject {@code /} and {@code +} in local parts. Mail::SRS and PostSRSd 1.x cannot verify these
   * hashes.
   */
  BASE64URL(Base64.getUrlEncoder());

  private final Base64.Encoder encoder;

  HashAlphabet(Base64.Encoder encoder) {
    this.encoder = encoder;
  }

  String encode(byte[] digest) {
    return encoder.encodeToString(digest);
  }
}
