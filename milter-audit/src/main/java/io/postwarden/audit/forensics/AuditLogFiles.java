package io.postwarden.audit.forensics;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * The audit log and what logrotate made of it: {@code audit.log.1}, {@code audit.log.2.gz} …
 * (numbered) or {@code audit.log-20261130.gz} (dateext), compressed or not. Oldest first, the
 * current file last, so records come out in the order they were written. Compression is recognised
 * by the gzip magic, not the name.
 */
public final class AuditLogFiles {

  private static final int GZIP_MAGIC = 0x8b1f;

  private AuditLogFiles() {}

  /** The rotated files of {@code log}, oldest first, then {@code log} itself if it exists. */
  public static List<Path> of(Path log) throws IOException {
    Path directory = log.toAbsolutePath().getParent();
    String name = log.getFileName().toString();
    Pattern rotated =
        Pattern.compile(Pattern.quote(name) + "(?:\\.(\\d{1,6})|-(\\d[\\d-]*))(?:\\.gz)?");
    List<Rotated> found = new ArrayList<>();
    try (Stream<Path> siblings = Files.list(directory)) {
      siblings.forEach(
          path -> {
            Matcher match = rotated.matcher(path.getFileName().toString());
            if (match.matches() && Files.isRegularFile(path)) {
              found.add(
                  match.group(1) != null
                      ? new Rotated(path, Integer.parseInt(match.group(1)), "")
                      : new Rotated(path, 0, match.group(2)));
            }
          });
    }
    // numbered: higher is older; dateext: the date sorts by age; the two styles do not mix in
    // practice
    found.sort(Comparator.comparing(Rotated::number).reversed().thenComparing(Rotated::date));
    List<Path> files = new ArrayList<>(found.stream().map(Rotated::path).toList());
    if (Files.isRegularFile(log)) {
      files.add(log);
    }
    return files;
  }

  /** Reads a log file as ASCII lines, through gzip when the file is compressed. */
  public static BufferedReader open(Path file) throws IOException {
    InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    try {
      in.mark(2);
      int magic = in.read() | (in.read() << 8);
      in.reset();
      if (magic == GZIP_MAGIC) {
        in = new GZIPInputStream(in, 1 << 16);
      }
    } catch (IOException e) {
      in.close();
      throw e;
    }
    // ISO-8859-1: the log is ASCII, and a corrupt byte must not stop the reading
    return new BufferedReader(new InputStreamReader(in, StandardCharsets.ISO_8859_1), 1 << 16);
  }

  private record Rotated(Path path, int number, String date) {}
}
