package io.postwarden.limits.hold;

import io.postwarden.core.json.JsonReader;
import io.postwarden.limits.LimitsPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Postfix's hold queue through Postfix's own tools: {@code postqueue -j} lists it, {@code postcat}
 * reads each held message's {@code X-Postwarden-Hold} header (Postfix keeps no hold reason of its
 * own), {@code postsuper -H} / {@code -d} release or delete. For the operator commands; the tools'
 * error messages go straight to the operator.
 */
public final class HoldQueue {

  private static final long TIMEOUT_SECONDS = 120;
  private static final int BATCH = 500;

  /** Postfix's short (hex) and long (base-52 style) queue ids. */
  private static final Pattern QUEUE_ID = Pattern.compile("[0-9A-Za-z]{6,32}");

  private static final String ENVELOPE = "*** ENVELOPE RECORDS ";

  private final Optional<Path> configDirectory;

  /**
   * @param configDirectory Postfix's configuration directory; empty for Postfix's default
   */
  public HoldQueue(Optional<Path> configDirectory) {
    this.configDirectory = configDirectory;
  }

  public static boolean looksLikeQueueId(String text) {
    return QUEUE_ID.matcher(text).matches();
  }

  /** Every message on hold, with the key that held it where our header names one. */
  public List<HeldMessage> list() throws IOException {
    List<Map<String, Object>> held = new ArrayList<>();
    for (String line : run(List.of("postqueue", "-j"), "").split("\n")) {
      if (!line.isBlank()) {
        Map<String, Object> message;
        try {
          message = JsonReader.object(line);
        } catch (IllegalArgumentException e) {
          // a changed format is reported, not misread
          throw new IllegalArgumentException(
              "postqueue -j wrote what is not one JSON object (" + e.getMessage() + "): " + line,
              e);
        }
        if ("hold".equals(message.get("queue_name"))) {
          held.add(message);
        }
      }
    }
    Map<String, String> keys = new HashMap<>();
    List<String> ids = held.stream().map(message -> (String) message.get("queue_id")).toList();
    for (int from = 0; from < ids.size(); from += BATCH) {
      keys.putAll(holdHeaders(ids.subList(from, Math.min(ids.size(), from + BATCH))));
    }
    List<HeldMessage> messages = new ArrayList<>();
    for (Map<String, Object> message : held) {
      messages.add(heldMessage(message, Optional.ofNullable(keys.get(message.get("queue_id")))));
    }
    return messages;
  }

  /** One message of {@code postqueue -j}, with the key that held it. */
  static HeldMessage heldMessage(Map<String, Object> message, Optional<String> key) {
    Object arrival = message.get("arrival_time");
    Object recipients = message.get("recipients");
    return new HeldMessage(
        (String) message.get("queue_id"),
        Instant.ofEpochSecond(arrival instanceof Number seconds ? seconds.longValue() : 0),
        String.valueOf(message.getOrDefault("sender", "")),
        recipients instanceof List<?> list ? list.size() : 0,
        key);
  }

  /**
   * Moves the messages from the hold queue to the deferred queue; Postfix delivers them at its next
   * queue run.
   */
  public void release(List<String> queueIds) throws IOException {
    superuser("-H", queueIds);
  }

  /** Deletes the messages from the hold queue. */
  public void purge(List<String> queueIds) throws IOException {
    superuser("-d", queueIds);
  }

  /** Asks Postfix to try these released messages now rather than at its next queue run. */
  public void deliverNow(List<String> queueIds) throws IOException {
    for (String id : queueIds) {
      run(List.of("postqueue", "-i", id), "");
    }
  }

  private void superuser(String option, List<String> queueIds) throws IOException {
    for (String id : queueIds) {
      if (!looksLikeQueueId(id)) {
        throw new IllegalArgumentException("not a queue id: " + id);
      }
    }
    if (!queueIds.isEmpty()) {
      // "-" reads the ids from standard input; the named queue (hold) keeps it to held mail
      run(List.of("postsuper", option, "-", "hold"), String.join("\n", queueIds) + "\n");
    }
  }

  /** Queue id → the key our hold header names, for messages that have one. */
  private Map<String, String> holdHeaders(List<String> ids) throws IOException {
    List<String> command = new ArrayList<>(List.of("postcat", "-e", "-h", "-q"));
    command.addAll(ids);
    Map<String, String> keys = new HashMap<>();
    String current = null;
    String prefix = LimitsPolicy.HOLD_HEADER.toLowerCase(Locale.ROOT) + ":";
    for (String line : run(command, "").split("\n")) {
      if (line.startsWith(ENVELOPE)) {
        // "*** ENVELOPE RECORDS hold/3F2A1B0C ***"
        String file = line.substring(ENVELOPE.length()).replace(" ***", "").trim();
        current = file.substring(file.lastIndexOf('/') + 1);
      } else if (current != null && line.toLowerCase(Locale.ROOT).startsWith(prefix)) {
        String value = line.substring(prefix.length()).trim();
        int semicolon = value.indexOf(';');
        keys.putIfAbsent(current, semicolon < 0 ? value : value.substring(0, semicolon).trim());
      }
    }
    return keys;
  }

  /**
   * Runs a Postfix tool with {@code -c DIR}; its standard output, or an IOException naming the
   * tool's status.
   */
  private String run(List<String> tool, String input) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(executable(tool.get(0)));
    configDirectory.ifPresent(dir -> command.addAll(List.of("-c", dir.toString())));
    command.addAll(tool.subList(1, tool.size()));
    Process process =
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    try (var stdin = process.getOutputStream()) {
      stdin.write(input.getBytes(StandardCharsets.ISO_8859_1));
    }
    String output = drain(process.getInputStream());
    try {
      if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IOException(tool.get(0) + " did not finish in " + TIMEOUT_SECONDS + "s");
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running " + tool.get(0), e);
    }
    if (process.exitValue() != 0) {
      throw new IOException(
          String.join(" ", command) + " failed with status " + process.exitValue());
    }
    return output;
  }

  private static String drain(InputStream in) throws IOException {
    return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
  }

  /** Postfix's tools live in /usr/sbin, which a non-root PATH often lacks. */
  private static String executable(String tool) {
    Path sbin = Path.of("/usr/sbin", tool);
    return Files.isExecutable(sbin) ? sbin.toString() : tool;
  }
}
