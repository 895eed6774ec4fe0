package io.postwarden.audit.forensics;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The header blocks in what an operator pastes: a bare header block, a whole message, or an abuse
 * report that wraps the original (ARF, RFC 5965: a {@code message/rfc822} or {@code
 * text/rfc822-headers} part next to a {@code message/feedback-report} one), also forwarded as an
 * attachment. Every block is returned, outermost first, the report's own fields as one more block.
 * The text is the report sender's: nesting and part counts are bounded.
 */
public final class MessageParts {

  private static final int MAX_DEPTH = 8;
  private static final int MAX_BLOCKS = 200;
  private static final Pattern BOUNDARY =
      Pattern.compile("(?i);\\s*boundary\\s*=\\s*(?:\"([^\"]+)\"|([^\\s;]+))");

  /** One header block: its fields in order, values unfolded and trimmed. */
  public record Block(List<Field> fields) {

    public List<String> all(String name) {
      return fields.stream()
          .filter(field -> field.name().equalsIgnoreCase(name))
          .map(Field::value)
          .toList();
    }

    public Optional<String> first(String name) {
      return all(name).stream().findFirst();
    }
  }

  public record Field(String name, String value) {}

  private final List<Block> blocks = new ArrayList<>();

  private MessageParts() {}

  /**
   * @param text the message as octets, one char per byte (ISO-8859-1)
   */
  public static List<Block> of(String text) {
    MessageParts parts = new MessageParts();
    parts.entity(text.replace("\r\n", "\n"), 0);
    return parts.blocks;
  }

  /** A MIME entity: header block, then a body whose content type says what it holds. */
  private void entity(String text, int depth) {
    if (depth > MAX_DEPTH || blocks.size() >= MAX_BLOCKS) {
      return;
    }
    int end = text.indexOf("\n\n");
    String head = end < 0 ? text : text.substring(0, end + 1);
    String body = end < 0 ? "" : text.substring(end + 2);
    Block block = new Block(fields(head));
    String type = block.first("Content-Type").orElse("text/plain");
    String mediaType = type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    boolean base64 =
        block
            .first("Content-Transfer-Encoding")
            .map(String::trim)
            .filter("base64"::equalsIgnoreCase)
            .isPresent();
    if (!block.fields().isEmpty()) {
      blocks.add(block);
    }
    if (mediaType.startsWith("multipart/")) {
      Matcher boundary = BOUNDARY.matcher(type);
      if (boundary.find()) {
        for (String part :
            split(body, boundary.group(1) != null ? boundary.group(1) : boundary.group(2))) {
          entity(part, depth + 1);
        }
      }
    } else if (mediaType.equals("message/rfc822")
        || mediaType.equals("text/rfc822-headers")
        || mediaType.equals("message/feedback-report")
        || mediaType.equals("message/global")) {
      entity(base64 ? decoded(body) : body, depth + 1);
    }
  }

  /** Header fields up to the first line that is none; continuation lines unfolded. */
  private static List<Field> fields(String head) {
    List<Field> fields = new ArrayList<>();
    String name = null;
    StringBuilder value = new StringBuilder();
    for (String line : head.split("\n")) {
      if (!line.isEmpty() && (line.charAt(0) == ' ' || line.charAt(0) == '\t') && name != null) {
        value.append(' ').append(line.trim());
        continue;
      }
      if (name != null) {
        fields.add(new Field(name, value.toString().trim()));
        name = null;
      }
      int colon = line.indexOf(':');
      if (colon <= 0 || !line.substring(0, colon).matches("[\\x21-\\x39\\x3b-\\x7e]+")) {
        if (!line.startsWith("From ")) { // an mbox separator is no field, but ends nothing either
          break;
        }
        continue;
      }
      name = line.substring(0, colon);
      value.setLength(0);
      value.append(line.substring(colon + 1));
    }
    if (name != null) {
      fields.add(new Field(name, value.toString().trim()));
    }
    return fields;
  }

  private static List<String> split(String body, String boundary) {
    List<String> parts = new ArrayList<>();
    String delimiter = "--" + boundary;
    StringBuilder part = null;
    for (String line : body.split("\n", -1)) {
      String trimmed = line.stripTrailing();
      if (trimmed.equals(delimiter) || trimmed.equals(delimiter + "--")) {
        if (part != null) {
          parts.add(part.toString());
        }
        if (trimmed.endsWith("--") && trimmed.length() == delimiter.length() + 2) {
          return parts;
        }
        part = new StringBuilder();
      } else if (part != null) {
        part.append(line).append('\n');
      }
    }
    if (part != null) {
      parts.add(part.toString());
    }
    return parts;
  }

  private static String decoded(String body) {
    try {
      return new String(
              Base64.getMimeDecoder().decode(body.replaceAll("\\s+", "")),
              StandardCharsets.ISO_8859_1)
          .replace("\r\n", "\n");
    } catch (IllegalArgumentException notBase64) {
      return body;
    }
  }
}
