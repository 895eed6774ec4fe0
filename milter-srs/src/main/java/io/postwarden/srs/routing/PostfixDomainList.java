package io.postwarden.srs.routing;

import io.postwarden.core.postfix.PostfixCommands;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * A domain list of main.cf ({@code mydestination}, {@code virtual_alias_domains}, {@code
 * virtual_mailbox_domains}) matched as Postfix's string lists are (resolve_local.c, resolve.c):
 * items in order, the first that matches decides; a name matches itself only (".example.com" is the
 * literal name, not its subdomains); {@code type:table} is asked for the whole domain; {@code
 * /file} stands for the items in that file; {@code !item} inverts. $names are already expanded by
 * {@code postconf -x}.
 */
final class PostfixDomainList {

  /** Postfix reads /file items whole; a list file past this is not a domain list. */
  static final long MAX_FILE_OCTETS = 16L * 1024 * 1024;

  static final int MAX_FILE_DEPTH = 8;

  private record Item(boolean negated, String name, MapLookup table) {}

  private final String setting;
  private final List<Item> items;

  private PostfixDomainList(String setting, List<Item> items) {
    this.setting = setting;
    this.items = List.copyOf(items);
  }

  /**
   * @param value the setting's value, $names expanded
   * @param tables makes the lookup for one {@code type:table} item
   * @throws IOException a /file item that cannot be read: Postfix would fail its lookups too
   */
  static PostfixDomainList parse(String setting, String value, Function<String, MapLookup> tables)
      throws IOException {
    List<Item> items = new ArrayList<>();
    add(items, value, false, tables, 0);
    return new PostfixDomainList(setting, items);
  }

  private static void add(
      List<Item> items,
      String value,
      boolean negated,
      Function<String, MapLookup> tables,
      int depth)
      throws IOException {
    for (String entry : PostfixCommands.list(value)) {
      boolean inverted = negated;
      int start = 0;
      while (start < entry.length() && entry.charAt(start) == '!') {
        inverted = !inverted;
        start++;
      }
      String pattern = entry.substring(start);
      if (pattern.startsWith("/")) {
        if (depth >= MAX_FILE_DEPTH) {
          throw new IOException("domain list files nested deeper than " + MAX_FILE_DEPTH);
        }
        for (String line : lines(Path.of(pattern))) {
          add(items, line, inverted, tables, depth + 1);
        }
      } else if (isTable(pattern)) {
        items.add(new Item(inverted, pattern, tables.apply(pattern)));
      } else if (!pattern.isEmpty()) {
        items.add(new Item(inverted, lower(pattern), null));
      }
    }
  }

  /** Postfix's MATCH_DICTIONARY: a colon, and no '[' that opens an address literal. */
  private static boolean isTable(String pattern) {
    return !pattern.startsWith("[") && pattern.indexOf(':') >= 0;
  }

  /** Logical lines as readlline(3) gives them: # comments, indented lines continue the last. */
  private static List<String> lines(Path file) throws IOException {
    if (Files.size(file) > MAX_FILE_OCTETS) {
      throw new IOException(file + " is larger than " + MAX_FILE_OCTETS + " octets");
    }
    List<String> lines = new ArrayList<>();
    for (String line : Files.readAllLines(file, StandardCharsets.ISO_8859_1)) {
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("#")) {
        continue;
      }
      boolean continuation = Character.isWhitespace(line.charAt(0)) && !lines.isEmpty();
      if (continuation) {
        lines.set(lines.size() - 1, lines.get(lines.size() - 1) + " " + trimmed);
      } else {
        lines.add(trimmed);
      }
    }
    return lines;
  }

  /**
   * Whether the list holds {@code domain}; one trailing dot is ignored, as resolve_local does.
   *
   * @param remembered from remembered table answers only ({@link MapLookup.NotRemembered})
   * @throws IOException a table that cannot answer
   */
  boolean contains(String domain, boolean remembered) throws IOException {
    String name = lower(domain.endsWith(".") ? domain.substring(0, domain.length() - 1) : domain);
    if (name.isEmpty()) {
      return false;
    }
    for (Item item : items) {
      boolean matches;
      if (item.table() == null) {
        matches = item.name().equals(name);
      } else {
        List<String> key = List.of(name);
        matches =
            (remembered ? item.table().firstRemembered(key) : item.table().first(key)).isPresent();
      }
      if (matches) {
        return !item.negated();
      }
    }
    return false;
  }

  private static String lower(String text) {
    return text.toLowerCase(Locale.ROOT);
  }

  @Override
  public String toString() {
    return setting + " " + items.stream().map(i -> (i.negated() ? "!" : "") + i.name()).toList();
  }
}
