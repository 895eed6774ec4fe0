package io.postwarden.deploy;

import static org.junit.jupiter.api.Assertions.*;

import io.postwarden.srs.codec.ForwardResult;
import io.postwarden.srs.codec.HashAlphabet;
import io.postwarden.srs.codec.SrsCodec;
import io.postwarden.srs.codec.SrsConfig;
import io.postwarden.srs.secrets.SecretsFile;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MainTest {

  private record Result(int status, String out, String err) {}

  private static Result run(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true));
      System.setErr(new PrintStream(err, true));
      int status = Main.execute(args);
      return new Result(status, out.toString(), err.toString());
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  @Test
  void configCheckAcceptsTheExample() {
    Result result = run("config", "check", ExampleConfigTest.EXAMPLE.toString());
    assertEquals(0, result.status(), result.err());
    assertTrue(result.out().contains("OK"));
  }

  @Test
  void configCheckNamesFileLineAndKey(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("bad.conf");
    Files.writeString(
        file, "milter = inet:127.0.0.1:8895\nmax-sesions = 10\npolicy-timeout = soon\n");
    Result result = run("config", "check", file.toString());
    assertEquals(Main.EXIT_CONFIG, result.status());
    assertTrue(
        result
            .err()
            .contains(file + ":2: unknown key 'max-sesions' (did you mean 'max-sessions'?)"),
        result.err());
    assertTrue(result.err().contains(file + ":3: policy-timeout:"), result.err());
  }

  @Test
  void configCheckFindsWhatOnlyStartUpWouldRefuse(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("p.conf");
    Files.writeString(
        file,
        "milter = inet:127.0.0.1:8895\nnon-smtpd-milter = inet:127.0.0.1:8895\n"
            + "hash-length = 4\nhash-minimum = 6\n");
    Result result = run("config", "check", file.toString());
    assertEquals(Main.EXIT_CONFIG, result.status());
    assertTrue(
        result
            .err()
            .contains(file + ": milter, non-smtpd-milter: each milter endpoint may be listed once"),
        result.err());
    assertTrue(
        result.err().contains(file + ": hash-minimum: 6 is more than hash-length 4"), result.err());
  }

  @Test
  void configCheckRefusesAllowedUsersThatThePeerLookupCannotName(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("p.conf");
    Files.writeString(file, "guard-allow-users = { nagios }\npeer-lookup = no\n");
    Result result = run("config", "check", file.toString());
    assertEquals(Main.EXIT_CONFIG, result.status());
    assertTrue(
        result.err().contains(file + ": guard-allow-users: needs peer-lookup = yes"), result.err());
  }

  @Test
  void configCheckFindsLazySrsWithoutAddressesOrOverTheTimeBudget(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("p.conf");
    Files.writeString(
        file,
        "srs-domain = srs.example\nsrs-lazy = true\nsrs-lazy-timeout = 10s\n"
            + "policy-timeout = 5s\n");
    Result result = run("config", "check", file.toString());
    assertEquals(Main.EXIT_CONFIG, result.status());
    assertTrue(
        result.err().contains(file + ": srs-lazy: needs srs-outbound-addresses"), result.err());
    assertTrue(
        result
            .err()
            .contains(file + ": srs-lazy-timeout: 10000ms is not below policy-timeout 5000ms"),
        result.err());
  }

  @Test
  void runRefusesABadConfigWithExitStatus78(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("bad.conf");
    Files.writeString(file, "milter = { \"tcp:1.2.3.4\" }\n");
    Result result = run("run", "--config", file.toString());
    assertEquals(Main.EXIT_CONFIG, result.status());
    assertTrue(result.err().contains(file + ":1: milter:"), result.err());
  }

  /**
   * A configuration that would start, listening on ephemeral ports, with its secrets in {@code
   * secrets}.
   */
  private static Path configWithSecrets(Path dir, Path secrets) throws Exception {
    return Files.writeString(
        dir.resolve("p.conf"),
        "milter = { \"inet:127.0.0.1:0\" }\n"
            + "non-smtpd-milter = { \"inet:127.0.0.1:0\" }\nmetrics-listen = \"127.0.0.1:0\"\nlimits-control-socket = \"\"\nlimits-state-file = \"\"\n"
            + "postfix-config-dir = \"\"\nsecrets-file = \""
            + secrets
            + "\"\n");
  }

  /**
   * A secrets file in each way that lets other users forge SRS addresses, or that holds nothing
   * worth signing with.
   */
  private static Path unfitSecrets(Path dir, String flaw) throws Exception {
    Path file = dir.resolve("srs.secret");
    switch (flaw) {
      case "directory" -> {
        return Files.createDirectory(file);
      }
      case "empty" -> Files.createFile(file);
      case "one byte" -> Files.writeString(file, "x\n");
      default -> Files.writeString(file, "kT3vXbq0sJ9wYc2LmN8pQr4Z\n");
    }
    Files.setPosixFilePermissions(
        file,
        PosixFilePermissions.fromString(
            switch (flaw) {
              case "readable by every user" -> "rw-r--r--";
              case "readable by group nogroup" -> "rw-r-----";
              default -> "rw-------";
            }));
    if (flaw.equals("readable by group nogroup")) {
      Files.getFileAttributeView(file, PosixFileAttributeView.class)
          .setGroup(
              file.getFileSystem()
                  .getUserPrincipalLookupService()
                  .lookupPrincipalByGroupName("nogroup"));
    }
    return file;
  }

  @ParameterizedTest(name = "secrets file {0}")
  @ValueSource(
      strings = {
        "readable by every user",
        "readable by group nogroup",
        "directory",
        "empty",
        "one byte"
      })
  void runAndConfigCheckRefuseAnUnfitSecretsFileAlike(String flaw, @TempDir Path dir)
      throws Exception {
    Path secrets = unfitSecrets(dir, flaw);
    Path config = configWithSecrets(dir, secrets);

    Result check = run("config", "check", config.toString());
    assertEquals(Main.EXIT_CONFIG, check.status(), check.out());
    String problem = check.err().strip();
    assertTrue(problem.startsWith(config + ": secrets-file: SRS secrets file " + secrets), problem);
    assertTrue(
        problem.contains(
            switch (flaw) {
              case "directory" -> "is a directory";
              case "empty" -> "contains no secret";
              case "one byte" -> "is 1 byte long, at least 16 are needed";
              default -> flaw;
            }),
        problem);

    // started without SRS (it is off by default), which does not make a readable secret safe
    Result start =
        assertTimeoutPreemptively(
            Duration.ofSeconds(60),
            () -> run("run", "--config", config.toString()),
            "run started with the unfit secrets file");
    assertEquals(Main.EXIT_CONFIG, start.status(), start.err());
    assertEquals(
        "postwarden: " + problem, start.err().strip(), "run and config check report it alike");
  }

  @Test
  void configCheckAcceptsAPrivateSecretsFile(@TempDir Path dir) throws Exception {
    Path secrets = Files.writeString(dir.resolve("srs.secret"), "kT3vXbq0sJ9wYc2LmN8pQr4Z\n");
    Files.setPosixFilePermissions(secrets, PosixFilePermissions.fromString("rw-r-----"));
    Result check = run("config", "check", configWithSecrets(dir, secrets).toString());
    assertEquals(0, check.status(), check.err());
  }

  @Test
  void srsForwardAndReverseUseTheConfiguredSecrets(@TempDir Path dir) throws Exception {
    Path secret = Files.writeString(dir.resolve("srs.secret"), "tops3cr3t-0f-16-bytes\n");
    Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
    Path config =
        Files.writeString(
            dir.resolve("p.conf"),
            "srs-domain = example.com\nsecrets-file = \""
                + secret
                + "\"\nhash-alphabet = base64\n"
                + "hash-minimum = 4\n"); // docs/srs-format.md's vectors carry PostSRSd's 4 hash
    // characters
    Result forward = run("srs", "forward", "-c", config.toString(), "test@otherdomain.com");
    assertEquals(0, forward.status(), forward.err());
    String address = forward.out().trim();
    assertTrue(
        address.matches("SRS0=[A-Za-z0-9+/]{8}=[A-Z2-7]{2}=otherdomain.com=test@example.com"),
        address);

    Result reverse =
        run("srs", "reverse", "-c", config.toString(), address.toLowerCase(java.util.Locale.ROOT));
    assertEquals(0, reverse.status(), reverse.err());
    assertEquals("test@otherdomain.com", reverse.out().trim());

    // signed with these secrets in 2020: long expired
    SrsCodec in2020 =
        new SrsCodec(
            SrsConfig.defaults(SecretsFile.read(secret)).withAlphabet(HashAlphabet.BASE64),
            Clock.fixed(Instant.parse("2020-06-01T12:00:00Z"), ZoneOffset.UTC));
    String old =
        ((ForwardResult.Rewritten) in2020.forward("test@otherdomain.com", "example.com")).address();
    Result expired = run("srs", "reverse", "-c", config.toString(), old);
    assertEquals(SrsCommands.EXIT_BAD_ADDRESS, expired.status());
    assertTrue(expired.err().contains("days old"), expired.err());
    assertEquals(1, expired.err().trim().lines().count(), "one line");
  }

  @Test
  void srsReverseSaysWhenAnAddressIsAStoredLongSendersKey(@TempDir Path dir) throws Exception {
    Path secret = Files.writeString(dir.resolve("srs.secret"), "tops3cr3t-0f-16-bytes\n");
    Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
    Path config =
        Files.writeString(
            dir.resolve("p.conf"), "srs-domain = example.com\nsecrets-file = \"" + secret + "\"\n");
    // the key depends on the secret alone; the address is signed by the command itself, on its own
    // day
    SrsCodec codec =
        new SrsCodec(
            SrsConfig.defaults(SecretsFile.read(secret)).withHashLength(8, 8),
            Clock.fixed(Instant.parse("2026-11-25T10:00:00Z"), ZoneOffset.UTC));
    String key = codec.storeKey("a-sender-too-long-for-srs@example.org");
    Result forward = run("srs", "forward", "-c", config.toString(), key + "@1");
    assertEquals(0, forward.status(), forward.err());
    String address = forward.out().trim();
    Result reverse = run("srs", "reverse", "-c", config.toString(), address);
    assertEquals(0, reverse.status(), reverse.err());
    assertEquals(key + "@1", reverse.out().trim());
    assertTrue(reverse.err().contains("is the key of a long sender"), reverse.err());
  }

  @Test
  void configCheckRefusesALongSenderStoreOtherUsersCanRead(@TempDir Path dir) throws Exception {
    Path store = Files.createFile(dir.resolve("srs-senders.sqlite"));
    Files.setPosixFilePermissions(store, PosixFilePermissions.fromString("rw-r--r--"));
    Path config =
        Files.writeString(
            dir.resolve("p.conf"),
            "secrets-file = \""
                + dir.resolve("s")
                + "\"\n"
                + "srs-store-file = \""
                + store
                + "\"\n");
    Result check = run("config", "check", config.toString());
    assertEquals(Main.EXIT_CONFIG, check.status(), check.err());
    assertTrue(check.err().contains("chmod 600 " + store), check.err());
  }

  @Test
  void srsForwardNeedsAnSrsDomain(@TempDir Path dir) throws Exception {
    Path config =
        Files.writeString(dir.resolve("p.conf"), "secrets-file = \"" + dir.resolve("s") + "\"\n");
    Result forward = run("srs", "forward", "-c", config.toString(), "a@b.example");
    assertEquals(Main.EXIT_CONFIG, forward.status());
    assertTrue(forward.err().contains("SRS is off"), forward.err());
  }

  @Test
  void helpListsTheCommands() {
    Result result = run("--help");
    assertEquals(0, result.status());
    assertTrue(result.out().contains("run") && result.out().contains("config"), result.out());
  }
}
