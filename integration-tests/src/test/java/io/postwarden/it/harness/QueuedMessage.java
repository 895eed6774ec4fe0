package io.postwarden.it.harness;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One message in the Postfix queue, from {@code postqueue -j}.
 *
 * @param queueName maildrop, incoming, active, deferred, hold or corrupt
 * @param recipients the recipients still to be delivered
 * @param delayReasons the reason per still-deferred recipient, where Postfix gave one
 */
public record QueuedMessage(
    String queueName,
    String queueId,
    String sender,
    List<String> recipients,
    List<String> delayReasons) {

  private static final Pattern STRING_FIELD =
      Pattern.compile("\"(\\w+)\":\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

  /**
   * Parses the JSON-lines output of {@code postqueue -j}: one flat object per message, strings only
   * matter.
   */
  static List<QueuedMessage> parse(String jsonLines) {
    List<QueuedMessage> result = new ArrayList<>();
    for (String line : jsonLines.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      String queueName = null;
      String queueId = null;
      String sender = null;
      List<String> rcpts = new ArrayList<>();
      List<String> reasons = new ArrayList<>();
      Matcher m = STRING_FIELD.matcher(line);
      while (m.find()) {
        String value = unescape(m.group(2));
        switch (m.group(1)) {
          case "queue_name" -> queueName = value;
          case "queue_id" -> queueId = value;
          case "sender" -> sender = value;
          case "address" -> rcpts.add(value);
          case "delay_reason" -> reasons.add(value);
          default -> {}
        }
      }
      result.add(
          new QueuedMessage(queueName, queueId, sender, List.copyOf(rcpts), List.copyOf(reasons)));
    }
    return List.copyOf(result);
  }

  private static String unescape(String s) {
    if (s.indexOf('\\') < 0) {
      return s;
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != '\\' || i + 1 == s.length()) {
        sb.append(c);
        continue;
      }
      char n = s.charAt(++i);
      switch (n) {
        case 'n' -> sb.append('\n');
        case 't' -> sb.append('\t');
        case 'r' -> sb.append('\r');
        case 'b' -> sb.append('\b');
        case 'f' -> sb.append('\f');
        case 'u' -> {
          sb.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
          i += 4;
        }
        default -> sb.append(n);
      }
    }
    return sb.toString();
  }
}
