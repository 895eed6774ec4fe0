package io.postwarden.deploy.postfix;

import static org.junit.jupiter.api.Assertions.fail;

import io.postwarden.core.postfix.PostfixCommands;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A Postfix configuration directory that only the real {@code postconf} and {@code postmap} look
 * at: main.cf with its own config/queue/data directories, master.cf from Postfix's stock
 * master.cf.dist. No Postfix is started.
 *
 * <p>Every file written is backdated by 60 s: Postfix waits 300 ms before reading a file modified
 * within the last second, which would make each postconf call slow.
 */
public final class ScratchPostfix {

  /** Debian's stock master.cf, shipped with the postfix package. */
  static final Path STOCK_MASTER_CF = Path.of("/usr/share/postfix/master.cf.dist");

  private final Path dir;

  private ScratchPostfix(Path dir) {
    this.dir = dir;
  }

  /**
   * Creates main.cf and master.cf in {@code dir}; fails the test, naming the package, when Postfix
   * is missing.
   */
  public static ScratchPostfix create(Path dir) throws IOException {
    requirePostfix();
    Path queue = Files.createDirectories(dir.resolve("queue"));
    Path data = Files.createDirectories(dir.resolve("data"));
    ScratchPostfix postfix = new ScratchPostfix(dir);
    postfix.write(
        "main.cf",
        "config_directory = "
            + dir
            + "\n"
            + "queue_directory = "
            + queue
            + "\n"
            + "data_directory = "
            + data
            + "\n"
            + "compatibility_level = 3.6\n");
    postfix.write("master.cf", Files.readString(STOCK_MASTER_CF, StandardCharsets.ISO_8859_1));
    return postfix;
  }

  /**
   * Fails (never skips) with a clear message when postconf, postmap or the stock master.cf is not
   * installed.
   */
  public static void requirePostfix() {
    for (String tool : List.of("postconf", "postmap")) {
      if (PostfixCommands.locate(tool).isEmpty()) {
        fail(
            tool
                + " not found in PATH or /usr/sbin: install Postfix (apt-get install postfix, or "
                + "scripts/install-deps --test)");
      }
    }
    if (!Files.isRegularFile(STOCK_MASTER_CF)) {
      fail(STOCK_MASTER_CF + " is missing: install the Debian postfix package");
    }
  }

  public Path dir() {
    return dir;
  }

  /** Appends text to main.cf, as an admin pasting a snippet would. */
  public void appendMainCf(String text) throws IOException {
    append("main.cf", text);
  }

  /** Appends text to master.cf, as an admin pasting a snippet would. */
  public void appendMasterCf(String text) throws IOException {
    append("master.cf", text);
  }

  /** Sets main.cf parameters with {@code postconf -e}. */
  public void set(String... nameEqualsValue) throws IOException {
    List<String> args = new ArrayList<>(List.of("-e"));
    args.addAll(List.of(nameEqualsValue));
    Result result = postconf(args.toArray(String[]::new));
    if (result.status() != 0) {
      fail("postconf -e failed: " + result.stderr());
    }
    backdate(dir.resolve("main.cf"));
  }

  /** Writes a file into the configuration directory (a map source, for example), backdated. */
  public Path write(String name, String content) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, content, StandardCharsets.ISO_8859_1);
    backdate(file);
    return file;
  }

  private void append(String name, String text) throws IOException {
    Path file = dir.resolve(name);
    String separator =
        Files.readString(file, StandardCharsets.ISO_8859_1).endsWith("\n") ? "" : "\n";
    Files.writeString(
        file,
        separator + text + (text.endsWith("\n") ? "" : "\n"),
        StandardCharsets.ISO_8859_1,
        StandardOpenOption.APPEND);
    backdate(file);
  }

  static void backdate(Path file) throws IOException {
    // Postfix sleeps on files modified within the last second: date them long past
    Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2026-01-01T00:00:00Z")));
  }

  /** {@code postconf -c DIR ARGS...}. */
  public Result postconf(String... args) {
    List<String> command =
        new ArrayList<>(
            List.of(PostfixCommands.locate("postconf").orElseThrow(), "-c", dir.toString()));
    command.addAll(List.of(args));
    return run(command);
  }

  /** {@code postmap -c DIR ARGS...}. */
  public Result postmap(String... args) {
    List<String> command =
        new ArrayList<>(
            List.of(PostfixCommands.locate("postmap").orElseThrow(), "-c", dir.toString()));
    command.addAll(List.of(args));
    return run(command);
  }

  /** What a command printed and how it exited. */
  public record Result(int status, String stdout, String stderr) {

    /** stderr lines that are warnings (typos show up as "unused parameter"). */
    public List<String> warnings() {
      return stderr
          .lines()
          .filter(line -> line.contains("warning") || line.contains("fatal"))
          .toList();
    }
  }

  private static Result run(List<String> command) {
    try {
      Process process = new ProcessBuilder(command).start();
      process.getOutputStream().close();
      CompletableFuture<String> err =
          CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
      String out = read(process.getInputStream());
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        fail(String.join(" ", command) + " did not finish in 20s");
      }
      return new Result(process.exitValue(), out, err.join());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String read(InputStream in) {
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
