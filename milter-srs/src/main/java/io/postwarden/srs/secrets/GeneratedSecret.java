package io.postwarden.srs.secrets;

import io.postwarden.core.secrets.PrivateFile;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Creates the SRS secrets file on first start: one random secret, mode 0600, never overwriting a
 * file.
 */
public final class GeneratedSecret {

  private GeneratedSecret() {}

  /** Returns true when a new file was written. */
  public static boolean createIfMissing(Path path) throws IOException {
    // as PostSRSd's installer does: random bytes, base64, one line
    return PrivateFile.createWithRandomSecret(path);
  }
}
