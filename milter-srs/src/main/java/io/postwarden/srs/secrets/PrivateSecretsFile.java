package io.postwarden.srs.secrets;

import com.sun.security.auth.module.UnixSystem;
import io.postwarden.srs.codec.SecretsFile;
import io.postwarden.srs.codec.SrsSecrets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the SRS secrets file only if it is fit to sign with: whoever can read a secret can mint SRS addresses that
 * this server accepts and relays, so on a shared host a readable secret is every site's secret. The file must be a
 * regular file that no other user can read or write (its group only when that is Postwarden's own primary group, as
 * in {@code chgrp postwarden /etc/postsrsd.secret; chmod 640}), and every secret in it at least
 * {@link #MINIMUM_SECRET_BYTES} long. The mode is checked, not readability: root reads anything.
 */
public final class PrivateSecretsFile {

  /**
   * One SRS address (hash, day stamp and address) lets anyone test candidate secrets offline; 8 random base64
   * characters (48 bits) fall to one GPU within a day. 16 bytes are out of reach even as 16 hex digits, and admit
   * PostSRSd's generated secrets (24 base64 characters) and ours (32).
   */
  public static final int MINIMUM_SECRET_BYTES = 16;

  private static final String GENERATE = "head -c 24 /dev/urandom | base64";

  private PrivateSecretsFile() {}

  /** @throws IOException naming the file, what is wrong with it and the fix */
  public static SrsSecrets read(Path path) throws IOException {
    PosixFileAttributes attributes;
    try {
      attributes = Files.readAttributes(path, PosixFileAttributes.class);
    } catch (IOException e) {
      throw new IOException("cannot read SRS secrets file " + path + ": " + e, e);
    }
    if (!attributes.isRegularFile()) {
      throw new IOException("SRS secrets file " + path + " is " + (attributes.isDirectory() ? "a directory" : "not a "
          + "regular file") + ": secrets-file must name a file with one secret per line");
    }
    List<String> exposure = exposure(attributes, (Integer) Files.getAttribute(path, "unix:gid"));
    if (!exposure.isEmpty()) {
      throw new IOException("SRS secrets file " + path + " is " + String.join(" and ", exposure) + " (mode "
          + PosixFilePermissions.toString(attributes.permissions()) + "): whoever can read it can sign SRS addresses "
          + "that this server accepts and relays. Fix: chmod 600 " + path + " (owned by the user Postwarden runs as)");
    }
    try {
      return SecretsFile.read(path, MINIMUM_SECRET_BYTES);
    } catch (IOException e) {
      throw new IOException(e.getMessage() + ". A good secret: " + GENERATE, e);
    }
  }

  /** Who besides Postwarden may read or change the file; empty when nobody. */
  private static List<String> exposure(PosixFileAttributes attributes, int fileGid) {
    Set<PosixFilePermission> mode = attributes.permissions();
    List<String> who = new ArrayList<>();
    access(mode, PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE)
        .ifPresent(access -> who.add(access + " by every user"));
    long ownGid = new UnixSystem().getGid();
    if (fileGid != ownGid) {
      access(mode, PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE).ifPresent(access -> who.add(
          access + " by group " + attributes.group().getName() + ", not Postwarden's own group (gid " + ownGid + ")"));
    }
    return who;
  }

  private static Optional<String> access(Set<PosixFilePermission> mode, PosixFilePermission read,
      PosixFilePermission write) {
    boolean readable = mode.contains(read);
    boolean writable = mode.contains(write);
    if (!readable && !writable) {
      return Optional.empty();
    }
    return Optional.of(readable && writable ? "readable and writable" : readable ? "readable" : "writable");
  }
}
