package io.postwarden.deploy.doctor;

import io.postwarden.srs.codec.SrsSecrets;
import io.postwarden.srs.secrets.SecretsFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The SRS secrets file: present, readable, private, and holding at least one secret. Read only:
 * unlike the daemon, doctor never creates the file.
 */
final class SecretsFileCheck implements Check {

  private static final String TOPIC = "secrets";

  private final Path file;

  SecretsFileCheck(Path file) {
    this.file = file;
  }

  @Override
  public List<Finding> run() {
    if (!Files.exists(file)) {
      return List.of(
          Finding.warn(
              TOPIC,
              file
                  + " does not exist yet: Postwarden creates it with a random secret "
                  + "when it starts. Migrating from PostSRSd? Point secrets-file at PostSRSd's file (/etc/postsrsd.secret) "
                  + "first, so bounces to the addresses PostSRSd handed out still verify"));
    }
    if (!Files.isRegularFile(file)) {
      return List.of(
          Finding.fail(
              TOPIC,
              file
                  + " is not a regular file: secrets-file must name a file with one "
                  + "secret per line"));
    }
    List<Finding> findings = new ArrayList<>();
    PosixFileAttributes attributes;
    try {
      attributes = Files.readAttributes(file, PosixFileAttributes.class);
    } catch (IOException | UnsupportedOperationException e) {
      attributes = null;
    }
    String mode = attributes == null ? "" : ", mode " + octal(attributes.permissions());
    if (attributes != null) {
      exposure(attributes).ifPresent(findings::add);
    }
    if (!Files.isReadable(file)) {
      findings.add(
          0,
          Finding.fail(
              TOPIC,
              file
                  + " cannot be read by user "
                  + System.getProperty("user.name")
                  + mode
                  + ": Postwarden must be able to read it. Run doctor as root or as the user Postwarden runs as; "
                  + "if that user cannot read it either, chown it to that user"));
      return findings;
    }
    SrsSecrets secrets;
    try {
      secrets = SecretsFile.read(file);
    } catch (IOException e) {
      findings.add(
          0,
          Finding.fail(
              TOPIC,
              e.getMessage()
                  + ". Put a random secret on the first line, e.g. "
                  + "head -c 18 /dev/urandom | base64 > "
                  + file));
      return findings;
    }
    findings.add(
        0,
        Finding.ok(
            TOPIC,
            file
                + ": "
                + secrets.count()
                + (secrets.count() == 1 ? " secret" : " secrets")
                + mode
                + (attributes == null ? "" : ", owner " + attributes.owner().getName())));
    return findings;
  }

  /** Anyone who can read the secret can forge SRS addresses that this server accepts and relays. */
  private java.util.Optional<Finding> exposure(PosixFileAttributes attributes) {
    Set<PosixFilePermission> permissions = attributes.permissions();
    List<String> who = new ArrayList<>();
    if (permissions.contains(PosixFilePermission.OTHERS_READ)) {
      who.add("readable by every user");
    } else if (permissions.contains(PosixFilePermission.GROUP_READ)) {
      who.add("readable by group " + attributes.group().getName());
    }
    if (permissions.contains(PosixFilePermission.OTHERS_WRITE)) {
      who.add("writable by every user");
    } else if (permissions.contains(PosixFilePermission.GROUP_WRITE)) {
      who.add("writable by group " + attributes.group().getName());
    }
    if (who.isEmpty()) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(
        Finding.warn(
            TOPIC,
            file
                + " is "
                + String.join(" and ", who)
                + " (mode "
                + octal(permissions)
                + "): whoever can read the secret can forge SRS addresses this server accepts and "
                + "relays. Fix: chmod 600 "
                + file
                + " (owned by the user Postwarden runs as)"));
  }

  static String octal(Set<PosixFilePermission> permissions) {
    int mode = 0;
    for (PosixFilePermission permission : permissions) {
      mode |= 1 << (8 - permission.ordinal());
    }
    return String.format("%04o", mode);
  }
}
