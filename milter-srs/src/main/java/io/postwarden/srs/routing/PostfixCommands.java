package io.postwarden.srs.routing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Asks Postfix's own tools about one configuration directory, so every map type Postfix supports (hash, lmdb,
 * regexp, pcre, sql …) is read exactly as Postfix reads it: {@code postconf} for settings, {@code postmap -q} for
 * lookups. The tools are found on the PATH or in /usr/sbin, which a non-root PATH often lacks.
 */
public class PostfixCommands {

  private static final long TIMEOUT_SECONDS = 10;

  private final Path configDirectory;

  public PostfixCommands(Path configDirectory) {
    this.configDirectory = configDirectory;
  }

  public Path configDirectory() {
    return configDirectory;
  }

  /** A main.cf setting with $names expanded. */
  public String setting(String name) throws IOException {
    return postconf("-x", "-h", name).trim();
  }

  /** {@code postconf -c DIR ARGS…}; its output, or an IOException with its error text. */
  public String postconf(String... arguments) throws IOException {
    Result result = run("postconf", arguments);
    if (result.status != 0) {
      throw new IOException("postconf " + String.join(" ", arguments) + " failed: " + oneLine(result.error));
    }
    return result.output;
  }

  /** The value {@code map} gives for {@code key}, empty when it has none. */
  public Optional<String> lookup(String map, String key) throws IOException {
    Result result = run("postmap", "-q", key, map);
    return switch (result.status) {
      case 0 -> Optional.of(result.output.trim());
      case 1 -> Optional.empty();
      default -> throw new IOException("postmap -q on " + map + " failed: " + oneLine(result.error));
    };
  }

  private record Result(int status, String output, String error) {}

  private Result run(String tool, String... arguments) throws IOException {
    List<String> command = new ArrayList<>(List.of(executable(tool), "-c", configDirectory.toString()));
    command.addAll(List.of(arguments));
    Process process = new ProcessBuilder(command).start();
    process.getOutputStream().close();
    // both pipes at once: a tool that fills one while we wait on the other would never finish
    CompletableFuture<String> error = CompletableFuture.supplyAsync(() -> drain(process.getErrorStream()));
    String output = drain(process.getInputStream());
    try {
      if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IOException(tool + " did not finish in " + TIMEOUT_SECONDS + "s");
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running " + tool, e);
    }
    return new Result(process.exitValue(), output, error.join());
  }

  private static String executable(String tool) throws IOException {
    List<String> directories = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
    directories.add("/usr/sbin");
    for (String directory : directories) {
      if (!directory.isEmpty() && Files.isExecutable(Path.of(directory, tool))) {
        return Path.of(directory, tool).toString();
      }
    }
    throw new IOException(tool + " is not installed (looked in PATH and /usr/sbin): is Postfix installed?");
  }

  private static String drain(InputStream in) {
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      return "";
    }
  }

  private static String oneLine(String text) {
    return text.strip().replace('\n', ' ');
  }

  /** Splits a Postfix list value (commas and/or white space). */
  public static List<String> list(String value) {
    List<String> items = new ArrayList<>();
    for (String item : value.split("[,\\s]+")) {
      if (!item.isEmpty()) {
        items.add(item);
      }
    }
    return items;
  }
}
