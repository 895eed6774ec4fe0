package io.postwarden.core.postfix;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Asks Postfix's own tools about one configuration directory, so every map type Postfix supports
 * (hash, lmdb, regexp, pcre, sql …) is read exactly as Postfix reads it: {@code postconf} for
 * settings, {@code postmap -q} for lookups. The tools are found on the PATH or in /usr/sbin, which
 * a non-root PATH often lacks.
 */
public class PostfixCommands {

  private static final long TIMEOUT_SECONDS = 10;

  /** Well below the 64 KiB a Linux pipe holds. */
  private static final int MAX_INPUT = 16 * 1024;

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
    Result result = run("postconf", "", arguments);
    if (result.status != 0) {
      throw new IOException(
          "postconf " + String.join(" ", arguments) + " failed: " + oneLine(result.error));
    }
    return result.output;
  }

  /**
   * What the maps give for each key: one {@code postmap -q - MAP…} for all of them, keys on its
   * standard input. For each key the first map that has it answers, as with {@code postmap -q KEY
   * MAP…}. Keys without a value are absent from the result. A map that cannot be read (postmap's
   * "fatal:") is an IOException, not "no value".
   */
  public Map<String, String> query(List<String> maps, Collection<String> keys) throws IOException {
    if (maps.isEmpty() || keys.isEmpty()) {
      return Map.of();
    }
    StringBuilder input = new StringBuilder();
    for (String key : keys) {
      if (key.indexOf('\n') >= 0 || key.indexOf('\r') >= 0 || key.indexOf('\t') >= 0) {
        // one key per line, answered as KEY<TAB>VALUE: such a key cannot be asked or its answer
        // read back
        throw new IOException("cannot ask postmap about a key with a line break or tab");
      }
      input.append(key).append('\n');
    }
    if (input.length() > MAX_INPUT) {
      throw new IOException("too many keys for one postmap query: " + input.length() + " octets");
    }
    List<String> arguments = new ArrayList<>(List.of("-q", "-"));
    arguments.addAll(maps);
    Result result = run("postmap", input.toString(), arguments.toArray(String[]::new));
    if ((result.status != 0 && result.status != 1) || result.error.contains("postmap: fatal:")) {
      throw new IOException(
          "postmap -q on " + String.join(" ", maps) + " failed: " + oneLine(result.error));
    }
    Map<String, String> values = new HashMap<>();
    for (String line : result.output.split("\n")) {
      int tab = line.indexOf('\t');
      if (tab > 0 || (tab == 0 && keys.contains(""))) {
        values.put(line.substring(0, tab), line.substring(tab + 1).trim());
      }
    }
    return values;
  }

  private record Result(int status, String output, String error) {}

  private Result run(String tool, String input, String... arguments) throws IOException {
    List<String> command =
        new ArrayList<>(List.of(executable(tool), "-c", configDirectory.toString()));
    command.addAll(List.of(arguments));
    Process process = new ProcessBuilder(command).start();
    // the input fits in the pipe (MAX_INPUT), so writing it all first cannot wait on the tool
    feed(process.getOutputStream(), input);
    // both output pipes at once: a tool that fills one while we wait on the other would never
    // finish
    CompletableFuture<String> error =
        CompletableFuture.supplyAsync(() -> drain(process.getErrorStream()));
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
    return locate(tool)
        .orElseThrow(
            () ->
                new IOException(
                    tool
                        + " is not installed (looked in PATH and /usr/sbin): is Postfix installed?"));
  }

  /** A Postfix tool's path: the first directory of PATH, then /usr/sbin, that has it. */
  public static Optional<String> locate(String tool) {
    List<String> directories =
        new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
    directories.add("/usr/sbin");
    for (String directory : directories) {
      if (!directory.isEmpty() && Files.isExecutable(Path.of(directory, tool))) {
        return Optional.of(Path.of(directory, tool).toString());
      }
    }
    return Optional.empty();
  }

  /**
   * Octets as they came (ISO-8859-1 strings, one char per octet), so postmap sees the address
   * Postfix sees.
   */
  private static void feed(OutputStream out, String input) {
    try (out) {
      out.write(input.getBytes(StandardCharsets.ISO_8859_1));
    } catch (IOException e) {
      // the tool exited without reading all of it; its status and error text tell why
    }
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

  /**
   * Splits a Postfix list value (commas and/or white space) as Postfix does: text in braces is one
   * item, so {@code inline:{a=b, c=d}} stays whole.
   */
  public static List<String> list(String value) {
    List<String> items = new ArrayList<>();
    StringBuilder item = new StringBuilder();
    int depth = 0;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (depth == 0 && (c == ',' || Character.isWhitespace(c))) {
        add(items, item);
        continue;
      }
      depth += c == '{' ? 1 : c == '}' && depth > 0 ? -1 : 0;
      item.append(c);
    }
    add(items, item);
    return items;
  }

  private static void add(List<String> items, StringBuilder item) {
    if (item.length() > 0) {
      items.add(item.toString());
      item.setLength(0);
    }
  }
}
