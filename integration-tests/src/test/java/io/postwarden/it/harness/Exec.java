package io.postwarden.it.harness;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a short-lived command and captures its output.
 *
 * <p>Output goes to temporary files, not pipes: {@code postfix start} leaves a daemon behind that
 * may inherit the child's stdout/stderr, and reading a pipe to EOF would then block forever.
 */
public final class Exec {

  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  private Exec() {}

  /** Outcome of one command. */
  public record Result(List<String> command, int exitCode, String stdout, String stderr) {

    public boolean ok() {
      return exitCode == 0;
    }

    /** Returns this result, or throws with the whole output if the command failed. */
    public Result check() {
      if (!ok()) {
        throw new IllegalStateException(describe());
      }
      return this;
    }

    public String describe() {
      return "command "
          + command
          + " exited "
          + exitCode
          + (stdout.isBlank() ? "" : "\n--- stdout ---\n" + stdout.strip())
          + (stderr.isBlank() ? "" : "\n--- stderr ---\n" + stderr.strip());
    }
  }

  public static Result run(List<String> command) {
    return run(command, Map.of(), null, DEFAULT_TIMEOUT);
  }

  public static Result run(
      List<String> command, Map<String, String> env, byte[] stdin, Duration timeout) {
    Path out = null;
    Path err = null;
    try {
      out = Files.createTempFile("postwarden-exec-", ".out");
      err = Files.createTempFile("postwarden-exec-", ".err");
      ProcessBuilder pb =
          new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
      pb.environment().putAll(env);
      if (stdin == null) {
        pb.redirectInput(new File("/dev/null"));
      }
      Process p = pb.start();
      if (stdin != null) {
        try (OutputStream os = p.getOutputStream()) {
          os.write(stdin);
        } catch (IOException e) {
          // the command may exit before reading all input; its exit code tells the story
        }
      }
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        throw new IllegalStateException("command " + command + " did not finish within " + timeout);
      }
      return new Result(
          List.copyOf(command),
          p.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + command, e);
    } finally {
      deleteQuietly(out);
      deleteQuietly(err);
    }
  }

  private static void deleteQuietly(Path p) {
    if (p != null) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException ignored) {
        // best effort
      }
    }
  }
}
