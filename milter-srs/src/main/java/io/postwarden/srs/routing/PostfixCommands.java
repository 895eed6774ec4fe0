package io.postwarden.srs.routing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Asks Postfix's own tools, so every map type Postfix supports (hash, lmdb, regexp, pcre, sql …) is read exactly
 * as Postfix reads it: {@code postconf -x -h} for settings, {@code postmap -q} for lookups.
 */
public class PostfixCommands {

  private static final long TIMEOUT_SECONDS = 10;

  private final Path configDirectory;

  public PostfixCommands(Path configDirectory) {
    this.configDirectory = configDirectory;
  }

  /** A main.cf setting with $names expanded. */
  public String setting(String name) throws IOException {
    Result result = run(List.of("postconf", "-c", configDirectory.toString(), "-x", "-h", name));
    if (result.status != 0) {
      throw new IOException("postconf " + name + " failed: " + result.error.trim());
    }
    return result.output.trim();
  }

  /** The value {@code map} gives for {@code key}, empty when it has none. */
  public Optional<String> lookup(String map, String key) throws IOException {
    Result result = run(List.of("postmap", "-c", configDirectory.toString(), "-q", key, map));
    return switch (result.status) {
      case 0 -> Optional.of(result.output.trim());
      case 1 -> Optional.empty();
      default -> throw new IOException("postmap -q on " + map + " failed: " + result.error.trim());
    };
  }

  private record Result(int status, String output, String error) {}

  private static Result run(List<String> command) throws IOException {
    Process process = new ProcessBuilder(command).start();
    try (InputStream out = process.getInputStream(); InputStream err = process.getErrorStream()) {
      process.getOutputStream().close();
      String output = new String(out.readAllBytes(), StandardCharsets.ISO_8859_1);
      String error = new String(err.readAllBytes(), StandardCharsets.ISO_8859_1);
      if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IOException(String.join(" ", command) + " did not finish in " + TIMEOUT_SECONDS + "s");
      }
      return new Result(process.exitValue(), output, error);
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running " + command.get(0), e);
    }
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
