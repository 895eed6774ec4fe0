package io.postwarden.srs.routing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Forward and :include: files read with local(8)'s checks and bounded, their entries remembered
 * until the file changes. The files belong to users: whoever controls a web site's account may
 * write one, so a file is never followed through a symbolic link, never read when the user it is
 * read for could not read it (local(8) opens it as that user; we may hold CAP_DAC_READ_SEARCH),
 * read by {@code dd} with O_NOFOLLOW|O_NONBLOCK so a file swapped for a FIFO cannot hang a worker,
 * and past {@link #MAX_OCTETS} or {@link #MAX_ENTRIES} it is not parsed at all: such a file makes
 * its recipient count as leaving, the side where a mistake costs nothing.
 */
final class ForwardFiles {

  static final int MAX_OCTETS = 64 * 1024;
  static final int MAX_ENTRIES = 1000;
  static final int MAX_REMEMBERED = 10_000;

  /** As {@link CachedMapLookup#CHECK_FILES_EVERY}: a file is looked at once a second at most. */
  static final Duration CHECK_EVERY = Duration.ofSeconds(1);

  private static final Duration READ_TIMEOUT = Duration.ofSeconds(5);

  /** What local(8) makes of one file. */
  sealed interface Look {
    /** No such file: the next forward_path item is tried. */
    record Absent() implements Look {}

    /** local(8) would not use it (not regular, wrong owner, world-writable, unreadable). */
    record Ignored(String why) implements Look {}

    /** Its entries, in order. */
    record Entries(List<String> entries) implements Look {}
  }

  /** Reads at most {@code limit} octets of a file. */
  @FunctionalInterface
  interface Reader {
    byte[] read(Path file, int limit) throws IOException;
  }

  private record Remembered(Object version, long checkedMillis, Look look) {}

  private final Reader reader;
  private final Clock clock;
  private final RoutingMetrics metrics;
  private final Map<String, Remembered> remembered = new ConcurrentHashMap<>();

  ForwardFiles(Reader reader, Clock clock, RoutingMetrics metrics) {
    this.reader = reader;
    this.clock = clock;
    this.metrics = metrics;
  }

  ForwardFiles(Clock clock, RoutingMetrics metrics) {
    this(ForwardFiles::readWithDd, clock, metrics);
  }

  /**
   * @param forUser whose rights local(8) reads it with
   * @param ownFile a forward file: it must belong to the user or root; an :include: file need not
   * @param fromMemory answer only from what was looked at within {@link #CHECK_EVERY}
   * @throws IOException when it cannot be told what local(8) would read (the recipient leaves)
   */
  Look look(Path file, LocalUser forUser, boolean ownFile, boolean fromMemory) throws IOException {
    String key = forUser.uid() + ":" + forUser.gid() + ":" + ownFile + ":" + file;
    long now = clock.millis();
    Remembered known = remembered.get(key);
    if (known != null && now - known.checkedMillis() < CHECK_EVERY.toMillis()) {
      return known.look();
    }
    if (fromMemory) {
      throw new MapLookup.NotRemembered();
    }
    Map<String, Object> before = attributes(file);
    if (before == null) {
      return remember(key, "absent", now, new Look.Absent());
    }
    Object version = version(before);
    if (known != null && known.version().equals(version)) {
      metrics.forwardFile("unchanged");
      return remember(key, version, now, known.look());
    }
    String ignored = ignoredBecause(before, forUser, ownFile);
    if (ignored != null) {
      metrics.forwardFile("ignored");
      return remember(key, version, now, new Look.Ignored(ignored));
    }
    if ((long) before.get("size") > MAX_OCTETS) {
      throw refused(file + " is larger than " + MAX_OCTETS + " octets");
    }
    byte[] content = reader.read(file, MAX_OCTETS + 1);
    Map<String, Object> after = attributes(file);
    if (content.length > MAX_OCTETS || after == null || !version(after).equals(version)) {
      throw refused(file + " changed while it was read");
    }
    List<String> entries;
    try {
      entries = ForwardEntries.parse(new String(content, StandardCharsets.ISO_8859_1), MAX_ENTRIES);
    } catch (IOException e) {
      throw refused(file + ": " + e.getMessage());
    }
    metrics.forwardFile("read");
    return remember(key, version, now, new Look.Entries(entries));
  }

  private IOException refused(String why) {
    metrics.forwardFile("refused");
    return new IOException(why);
  }

  private Look remember(String key, Object version, long now, Look look) {
    if (remembered.size() >= MAX_REMEMBERED) {
      remembered.clear();
    }
    remembered.put(key, new Remembered(version, now, look));
    return look;
  }

  /** The file's own attributes (a link is not followed); null when there is no such file. */
  private Map<String, Object> attributes(Path file) throws IOException {
    try {
      return Files.readAttributes(file, "unix:*", LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return null;
    } catch (AccessDeniedException e) {
      throw refused("no permission to look at " + file);
    }
  }

  /** What changes when the file is replaced or written. */
  private static Object version(Map<String, Object> a) {
    return List.of(
        a.get("dev"), a.get("ino"), a.get("size"), a.get("lastModifiedTime"), a.get("ctime"));
  }

  /** Why local(8) would not use the file (dotforward.c, include.c), or null. */
  private static String ignoredBecause(Map<String, Object> a, LocalUser user, boolean ownFile) {
    int mode = (int) a.get("mode");
    long owner = ((Number) a.get("uid")).longValue();
    long group = ((Number) a.get("gid")).longValue();
    if (!Boolean.TRUE.equals(a.get("isRegularFile"))) {
      return "not a regular file";
    }
    if (ownFile && owner != 0 && owner != user.uid()) {
      return "owned by uid " + owner;
    }
    if ((mode & 0002) != 0) {
      return "world-writable";
    }
    boolean readable =
        user.uid() == 0
            || (owner == user.uid()
                ? (mode & 0400) != 0
                : group == user.gid() ? (mode & 0040) != 0 : (mode & 0004) != 0);
    return readable ? null : "not readable by " + user.name();
  }

  /**
   * {@code dd}: O_NOFOLLOW (a link swapped in after our check is not followed) and O_NONBLOCK (a
   * FIFO swapped in cannot block the open or the read). Java can open with neither.
   */
  static byte[] readWithDd(Path file, int limit) throws IOException {
    Process dd =
        new ProcessBuilder(
                "dd",
                "if=" + file,
                "iflag=nofollow,nonblock,fullblock",
                "bs=" + limit,
                "count=1",
                "status=none")
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    dd.getOutputStream().close();
    byte[] content = dd.getInputStream().readNBytes(limit);
    try {
      if (!dd.waitFor(READ_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        dd.destroyForcibly();
        throw new IOException("reading " + file + " took longer than " + READ_TIMEOUT);
      }
    } catch (InterruptedException e) {
      dd.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while reading " + file, e);
    }
    if (dd.exitValue() != 0) {
      throw new IOException("dd could not read " + file + " (status " + dd.exitValue() + ")");
    }
    return content;
  }
}
