package io.postwarden.deploy;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
    Files.writeString(file, "milter = inet:127.0.0.1:8895\nmax-sesions = 10\npolicy-timeout = soon\n");
    Result result = run("config", "check", file.toString());
    assertEquals(Main.EXIT_CONFIG, result.status());
    assertTrue(result.err().contains(file + ":2: unknown key 'max-sesions' (did you mean 'max-sessions'?)"),
        result.err());
    assertTrue(result.err().contains(file + ":3: policy-timeout:"), result.err());
  }

  @Test
  void configCheckFindsWhatOnlyStartUpWouldRefuse(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("p.conf");
    Files.writeString(file, "milter = inet:127.0.0.1:8895\nnon-smtpd-milter = inet:127.0.0.1:8895\n"
        + "hash-length = 4\nhash-minimum = 6\n");
    Result result = run("config", "check", file.toString());
    assertEquals(Main.EXIT_CONFIG, result.status());
    assertTrue(result.err().contains(file + ": milter, non-smtpd-milter: each milter endpoint may be listed once"),
        result.err());
    assertTrue(result.err().contains(file + ": hash-minimum: 6 is more than hash-length 4"), result.err());
  }

  @Test
  void runRefusesABadConfigWithExitStatus78(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("bad.conf");
    Files.writeString(file, "milter = { \"tcp:1.2.3.4\" }\n");
    Result result = run("run", "--config", file.toString());
    assertEquals(Main.EXIT_CONFIG, result.status());
    assertTrue(result.err().contains(file + ":1: milter:"), result.err());
  }

  @Test
  void srsForwardAndReverseUseTheConfiguredSecrets(@TempDir Path dir) throws Exception {
    Path secret = Files.writeString(dir.resolve("srs.secret"), "tops3cr3t\n");
    Path config = Files.writeString(dir.resolve("p.conf"),
        "srs-domain = example.com\nsecrets-file = \"" + secret + "\"\nhash-alphabet = base64\n"
            + "hash-minimum = 4\n"); // the notes' vectors carry PostSRSd's 4 hash characters
    Result forward = run("srs", "forward", "-c", config.toString(), "test@otherdomain.com");
    assertEquals(0, forward.status(), forward.err());
    String address = forward.out().trim();
    assertTrue(address.matches("SRS0=[A-Za-z0-9+/]{8}=[A-Z2-7]{2}=otherdomain.com=test@example.com"), address);

    Result reverse = run("srs", "reverse", "-c", config.toString(), address.toLowerCase(java.util.Locale.ROOT));
    assertEquals(0, reverse.status(), reverse.err());
    assertEquals("test@otherdomain.com", reverse.out().trim());

    // the notes' vector: a stamp from 2020 is long expired
    Result expired = run("srs", "reverse", "-c", config.toString(), "SRS0=te87=T7=otherdomain.com=test@example.com");
    assertEquals(SrsCommands.EXIT_BAD_ADDRESS, expired.status());
    assertTrue(expired.err().contains("days old"), expired.err());
    assertEquals(1, expired.err().trim().lines().count(), "one line");
  }

  @Test
  void srsForwardNeedsAnSrsDomain(@TempDir Path dir) throws Exception {
    Path config = Files.writeString(dir.resolve("p.conf"), "secrets-file = \"" + dir.resolve("s") + "\"\n");
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
