package io.postwarden.srs.routing;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The files whose contents decide a Postfix map's answers, so that answers can be kept until one of
 * them changes. Indexed maps are read from the file postmap built (hash: FILE.db); text maps from
 * the file itself. inline: and static: hold their contents in main.cf (no file). Other types
 * (mysql, ldap, sqlite, tcp, socketmap, unionmap …) answer from data no file change reveals: empty.
 */
final class MapFiles {

  private MapFiles() {}

  /**
   * The files behind {@code spec} ("type:name"); an empty list for a map whose contents are in
   * main.cf.
   */
  static Optional<List<Path>> of(String spec) {
    int colon = spec.indexOf(':');
    if (colon < 0) {
      return Optional.empty();
    }
    String type = spec.substring(0, colon).toLowerCase(Locale.ROOT);
    String name = spec.substring(colon + 1);
    return switch (type) {
      case "proxy" -> of(name);
      case "inline", "static" -> Optional.of(List.of());
      case "hash", "btree" -> file(name + ".db");
      case "lmdb" -> file(name + ".lmdb");
      case "cdb" -> file(name + ".cdb");
      case "dbm", "sdbm" -> file(name + ".pag");
      case "texthash", "regexp", "pcre", "cidr" -> file(name);
      default -> Optional.empty();
    };
  }

  /** Only an absolute path names the same file for postmap as for us. */
  private static Optional<List<Path>> file(String name) {
    try {
      Path path = Path.of(name);
      return path.isAbsolute() ? Optional.of(List.of(path)) : Optional.empty();
    } catch (InvalidPathException e) {
      return Optional.empty();
    }
  }
}
