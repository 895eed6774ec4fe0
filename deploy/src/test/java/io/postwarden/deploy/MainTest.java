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
  void runRefusesABadConfigWithExitStatus78(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("bad.conf");
    Files.writeString(file, "milter = { \"tcp:1.2.3.4\" }\n");
    Result result = run("run", "--config", file.toString());
    assertEquals(Main.EXIT_CONFIG, result.status());
    assertTrue(result.err().contains(file + ":1: milter:"), result.err());
  }

  @Test
  void helpListsTheCommands() {
    Result result = run("--help");
    assertEquals(0, result.status());
    assertTrue(result.out().contains("run") && result.out().contains("config"), result.out());
  }
}
