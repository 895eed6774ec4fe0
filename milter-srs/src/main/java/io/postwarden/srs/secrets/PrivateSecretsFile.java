package io.postwarden.srs.secrets;

import io.postwarden.core.config.WatchedFile;
import io.postwarden.core.secrets.PrivateFile;
import io.postwarden.srs.codec.SrsSecrets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * Reads the SRS secrets file only if it is fit to sign with: whoever can read a secret can mint SRS
 * addresses that this server accepts and relays, so on a shared host a readable secret is every
 * site's secret. The file must be a private file ({@link PrivateFile}: its group may read it only
 * when that is Postwarden's own primary group, as in {@code chgrp postwarden /etc/postsrsd.secret;
 * chmod 640}), and every secret in it at least {@link #MINIMUM_SECRET_BYTES} long. Start-up, a
 * changed file and {@code config check} all go by these rules.
 */
public final class PrivateSecretsFile {

  /**
   * One SRS address (hash, day stamp and address) lets anyone test candidate secrets offline; 8
   * random base64 characters (48 bits) fall to one GPU within a day. 16 bytes are out of reach even
   * as 16 hex digits, and admit PostSRSd's generated secrets (24 base64 characters) and ours (32).
   */
  public static final int MINIMUM_SECRET_BYTES = 16;

  private static final String GENERATE = "head -c 24 /dev/urandom | base64";
  private static final Duration CHECK_EVERY = Duration.ofSeconds(1);
  private static final System.Logger LOG = System.getLogger("postwarden.srs");

  private PrivateSecretsFile() {}

  /**
   * @throws IOException naming the file, what is wrong with it and the fix
   */
  public static SrsSecrets read(Path path) throws IOException {
    PrivateFile.check(
        path,
        "SRS secrets file",
        "secrets-file must name a file with one secret per line",
        "whoever can read it can sign SRS addresses that this server accepts and relays");
    try {
      return SecretsFile.read(path, MINIMUM_SECRET_BYTES);
    } catch (IOException e) {
      throw new IOException(e.getMessage() + ". A good secret: " + GENERATE, e);
    }
  }

  /**
   * The file's secrets, read again when it changes; a missing file is first created with one random
   * secret, mode 0600 (as PostSRSd's installer does: random bytes, base64, one line). A version
   * that breaks the rules is refused, at start (thrown) and when it changes ({@code refused} runs,
   * the previous secrets stay in force).
   */
  public static WatchedFile<SrsSecrets> watch(Path path, Clock clock, Runnable refused)
      throws IOException {
    if (PrivateFile.createWithRandomSecret(path)) {
      LOG.log(System.Logger.Level.INFO, "generated a new SRS secret in " + path);
    }
    return WatchedFile.open(
        path,
        file -> {
          try {
            return read(file);
          } catch (IOException e) {
            refused.run();
            throw e;
          }
        },
        CHECK_EVERY,
        clock);
  }

  /**
   * What start-up would refuse in the file, for {@code config check}. A missing file is no problem:
   * start-up creates it, private.
   */
  public static Optional<String> problem(Path path) {
    if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
      return Optional.empty();
    }
    try {
      read(path);
      return Optional.empty();
    } catch (IOException e) {
      return Optional.of(e.getMessage());
    }
  }
}
