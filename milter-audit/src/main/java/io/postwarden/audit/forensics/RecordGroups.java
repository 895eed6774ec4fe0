package io.postwarden.audit.forensics;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * What {@code audit top --by} ranks: records grouped by who sent them, in one of several senses. A
 * record that has nothing to say for a grouping falls in the group "-".
 */
public enum RecordGroups {
  /** The sender key the limits use: sasl:LOGIN, unix:USER, uid:N, else smtp:CLIENT or sendmail. */
  KEY("SENDER"),
  /** The Unix user of the local client or the sendmail(1) submitter (uid:N without a name). */
  USER("USER"),
  /** The site, by {@link Sites}. */
  SITE("SITE"),
  /** The SASL login. */
  SASL("SASL LOGIN"),
  /** The envelope sender, in lower case; {@code <>} for the null sender. */
  SENDER("ENVELOPE SENDER");

  /** The group of records that have nothing to say for a grouping. */
  public static final String NONE = "-";

  private final String heading;

  RecordGroups(String heading) {
    this.heading = heading;
  }

  /** The column's heading. */
  public String heading() {
    return heading;
  }

  /**
   * @param sites how records map to sites; used by {@link #SITE} only
   */
  public Function<AuditRecord, String> groupOf(Sites sites) {
    return switch (this) {
      case KEY -> AuditRecord::senderKey;
      case USER ->
          record -> record.unixUser().or(() -> record.uid().map(uid -> "uid:" + uid)).orElse(NONE);
      case SITE -> record -> sites.siteOf(record).orElse(NONE);
      case SASL -> record -> record.saslUser().orElse(NONE);
      case SENDER ->
          record ->
              record
                  .sender()
                  .map(sender -> sender.isEmpty() ? "<>" : sender.toLowerCase(Locale.ROOT))
                  .orElse(NONE);
    };
  }

  /**
   * A record's site: where its local client process worked, when that lies under a site root; else
   * the home directory of its Unix user (from the passwd file as it is now), when that does. The
   * working directory comes first: it names the site even where one user has several. It is the
   * process's own say (a hacked site can chdir into another's directory that it may enter); the
   * home directory follows from the uid, which the kernel gives.
   */
  public static final class Sites {

    private final SiteRoots roots;
    private final Map<String, String> homes;

    public Sites(SiteRoots roots, Map<String, String> homes) {
      this.roots = roots;
      this.homes = Map.copyOf(homes);
    }

    public Optional<String> siteOf(AuditRecord record) {
      return record
          .workingDirectory()
          .flatMap(roots::siteOf)
          .or(() -> record.unixUser().map(homes::get).flatMap(roots::siteOf));
    }

    /** Home directories by user name from a passwd(5) file; none if it cannot be read. */
    public static Map<String, String> homes(Path passwd) {
      Map<String, String> homes = new HashMap<>();
      try {
        for (String line :
            new String(Files.readAllBytes(passwd), StandardCharsets.UTF_8).split("\n")) {
          String[] fields = line.split(":", 7);
          if (fields.length == 7 && !line.startsWith("#")) {
            homes.putIfAbsent(fields[0], fields[5]);
          }
        }
      } catch (IOException unreadable) {
        return Map.of();
      }
      return homes;
    }
  }
}
