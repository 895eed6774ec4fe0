package io.postwarden.srs.secrets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.security.auth.module.UnixSystem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Real files with real owners and modes (the tests run as root, which reads anything: modes are
 * what count).
 */
class PrivateSecretsFileTest {

  static final String GOOD = "kT3vXbq0sJ9wYc2LmN8pQr4Z\n";

  @TempDir Path dir;

  Path secretsFile(String content, String mode) throws IOException {
    Path file = Files.writeString(dir.resolve("srs.secret"), content);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
    return file;
  }

  static void chgrp(Path file, String group) throws IOException {
    GroupPrincipal principal =
        file.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName(group);
    Files.getFileAttributeView(file, PosixFileAttributeView.class).setGroup(principal);
  }

  IOException refused(Path file) {
    IOException error = assertThrows(IOException.class, () -> PrivateSecretsFile.read(file));
    assertTrue(
        error.getMessage().contains(file.toString()), "names the file: " + error.getMessage());
    return error;
  }

  @Test
  void aSecretOnlyItsOwnerCanReadIsAccepted() throws IOException {
    assertEquals(1, PrivateSecretsFile.read(secretsFile(GOOD, "rw-------")).count());
    assertEquals(
        2, PrivateSecretsFile.read(secretsFile(GOOD + "0ld-secret-0f-16b\n", "r--------")).count());
  }

  @ParameterizedTest(name = "mode {0}")
  @ValueSource(strings = {"rw-r--r--", "rw----r--", "r-----r--"})
  void aSecretEveryUserCanReadIsRefusedWithTheFix(String mode) throws IOException {
    Path file = secretsFile(GOOD, mode);
    String message = refused(file).getMessage();
    assertTrue(message.contains("readable by every user (mode " + mode + ")"), message);
    assertTrue(message.contains("chmod 600 " + file), message);
  }

  @Test
  void aSecretEveryUserCanOverwriteIsRefused() throws IOException {
    String message = refused(secretsFile(GOOD, "rw-----w-")).getMessage();
    assertTrue(message.contains("writable by every user"), message);
  }

  @Test
  void aSecretReadableThroughAnotherGroupIsRefused() throws IOException {
    Path file = secretsFile(GOOD, "rw-r-----");
    chgrp(file, "nogroup");
    String message = refused(file).getMessage();
    assertTrue(
        message.contains(
            "readable by group nogroup, not Postwarden's own group (gid "
                + new UnixSystem().getGid()
                + ")"),
        message);
  }

  /** Debian's PostSRSd secret, shared by chgrp to the daemon's group and chmod 640. */
  @Test
  void aSecretReadableByPostwardensOwnPrimaryGroupIsAccepted() throws IOException {
    Path file = secretsFile(GOOD, "rw-r-----");
    Files.setAttribute(file, "unix:gid", (int) new UnixSystem().getGid());
    assertEquals(1, PrivateSecretsFile.read(file).count());
  }

  @Test
  void aDirectoryIsRefused() throws IOException {
    Path directory =
        Files.createDirectory(
            dir.resolve("srs.secret"),
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    String message = refused(directory).getMessage();
    assertTrue(message.contains("is a directory"), message);
  }

  @ParameterizedTest(name = "content \"{0}\"")
  @ValueSource(strings = {"", "\n", "\r\n\n"})
  void aFileWithoutASecretIsRefused(String content) throws IOException {
    String message = refused(secretsFile(content, "rw-------")).getMessage();
    assertTrue(message.contains("contains no secret"), message);
    assertTrue(message.contains("head -c 24 /dev/urandom | base64"), message);
  }

  @Test
  void aOneByteSecretIsRefused() throws IOException {
    String message = refused(secretsFile("x\n", "rw-------")).getMessage();
    assertTrue(message.contains("secret 1 of 1 is 1 byte long, at least 16 are needed"), message);
  }

  @Test
  void aShortOldSecretStillVerifyingAddressesIsRefusedToo() throws IOException {
    String message = refused(secretsFile(GOOD + "tops3cr3t\n", "rw-------")).getMessage();
    assertTrue(message.contains("secret 2 of 2 is 9 bytes long"), message);
  }

  @Test
  void sixteenBytesAreEnoughFifteenAreNot() throws IOException {
    assertEquals(
        1, PrivateSecretsFile.read(secretsFile("0123456789abcdef\n", "rw-------")).count());
    refused(secretsFile("0123456789abcde\n", "rw-------"));
  }

  @Test
  void aMissingFileIsNoProblemAndIsCreatedWithASecretThatPassesTheRules() throws IOException {
    Path file = dir.resolve("state/srs.secret");
    assertEquals(Optional.empty(), PrivateSecretsFile.problem(file));
    Clock clock = Clock.fixed(Instant.parse("2024-01-01T00:00:00Z"), ZoneOffset.UTC);
    assertEquals(1, PrivateSecretsFile.watch(file, clock, () -> {}).get().count());
    assertEquals(1, PrivateSecretsFile.read(file).count());
    assertEquals(Optional.empty(), PrivateSecretsFile.problem(file));
  }

  @Test
  void aProblemIsWhatReadingWouldRefuse() throws IOException {
    Path file = secretsFile("0123456789abcde\n", "rw-------");
    String problem = PrivateSecretsFile.problem(file).orElseThrow();
    assertTrue(problem.contains("at least 16 are needed"), problem);
  }
}
