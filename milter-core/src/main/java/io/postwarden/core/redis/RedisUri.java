package io.postwarden.core.redis;

import io.lettuce.core.RedisURI;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Where a shared store is, as a setting such as {@code limits-redis} names it ({@code
 * redis://HOST[:PORT][/DB]}, {@code rediss://} for TLS, {@code redis-socket:///PATH} for a Unix
 * socket, Lettuce's query options), with the credentials from {@code SETTING-user} and {@code
 * SETTING-password-file}. A password in the URI is refused: postwarden.conf is readable by every
 * local user, and whoever has the password can change what Postwarden keeps there (reset any
 * sender's counts, redirect bounces).
 */
public final class RedisUri {

  private static final List<String> SCHEMES =
      List.of("redis", "rediss", "redis-socket", "redis-sentinel", "rediss-sentinel");
  private static final Set<PosixFilePermission> OTHERS =
      Set.of(PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE);

  private RedisUri() {}

  /**
   * A check for the setting {@code setting} (its name goes in the error): see {@link #check(String,
   * String)}.
   */
  public static Consumer<String> checker(String setting) {
    return text -> check(text, setting);
  }

  /** Throws naming what is wrong with {@code text}; nothing for an empty one (no shared store). */
  public static void check(String text, String setting) {
    if (text.isEmpty()) {
      return;
    }
    URI uri;
    try {
      uri = URI.create(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not a URI: " + e.getMessage());
    }
    if (uri.getScheme() == null || !SCHEMES.contains(uri.getScheme())) {
      throw new IllegalArgumentException(
          "expected redis://HOST[:PORT][/DB], rediss://… (TLS) or "
              + "redis-socket:///PATH, got \""
              + text
              + "\"");
    }
    if (uri.getRawUserInfo() != null) {
      throw new IllegalArgumentException(
          "no credentials in the URI (postwarden.conf is readable by every local "
              + "user): name the user in "
              + setting
              + "-user and put the password in "
              + setting
              + "-password-file");
    }
    try {
      RedisURI.create(text);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(e.getMessage());
    }
  }

  /**
   * The URI with its credentials.
   *
   * @param passwordFile empty for none; else a file no other user may read (its first line is the
   *     password)
   * @throws IOException naming the file and the fix when it is unreadable or not private
   */
  public static RedisURI of(String text, String user, String passwordFile, String setting)
      throws IOException {
    check(text, setting);
    RedisURI uri = RedisURI.create(text);
    if (!passwordFile.isEmpty()) {
      char[] password = password(Path.of(passwordFile), setting + "-password-file");
      if (user.isEmpty()) {
        uri.setAuthentication(password);
      } else {
        uri.setAuthentication(user, password);
      }
    }
    return uri;
  }

  private static char[] password(Path file, String setting) throws IOException {
    PosixFileAttributes attributes =
        Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (!attributes.isRegularFile()
        || attributes.permissions().stream().anyMatch(OTHERS::contains)) {
      throw new IOException(
          setting
              + " "
              + file
              + " must be a regular file other users cannot read (mode "
              + PosixFilePermissions.toString(attributes.permissions())
              + "): whoever has the password can change what "
              + "Postwarden keeps in Redis. Fix: chmod 600 "
              + file
              + " (or 640, group postwarden)");
    }
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    if (lines.isEmpty() || lines.get(0).isEmpty()) {
      throw new IOException(setting + " " + file + " is empty");
    }
    return lines.get(0).toCharArray();
  }
}
