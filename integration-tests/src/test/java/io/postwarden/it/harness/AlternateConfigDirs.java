package io.postwarden.it.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Lists a private config directory in {@code alternate_config_directories} of the <em>default</em>
 * {@code /etc/postfix/main.cf}, which is what lets a non-root user run {@code sendmail -C DIR}
 * (sendmail and the set-gid postdrop both refuse an unlisted directory for non-root callers).
 *
 * <p>This edits a system file, so it is opt-in ({@link MailStack.Builder#allowNonRootSendmail()}),
 * done under a lock shared by all JVMs on the machine, and undone when the stack stops. If {@code
 * /etc/postfix/main.cf} did not exist (Debian's "No configuration" install) it is created with a
 * marker line and deleted again once no directory of ours is listed; entries of crashed runs are
 * dropped by {@link #forgetMissing()}.
 */
final class AlternateConfigDirs {

  static final Path MAIN_CF = Path.of("/etc/postfix/main.cf");
  private static final String PARAM = "alternate_config_directories";
  private static final String MARKER =
      "# created by the postwarden integration tests (io.postwarden.it.harness); deleted when unused";
  private static final Pattern PARAM_LINE = Pattern.compile("^" + PARAM + "\\s*=.*");

  private AlternateConfigDirs() {}

  static void register(Path confDir) {
    edit(dirs -> dirs.add(confDir.toString()));
  }

  static void unregister(Path confDir) {
    edit(dirs -> dirs.remove(confDir.toString()));
  }

  /** Drops entries that point at workspaces which no longer exist. */
  static void forgetMissing() {
    if (!Files.exists(MAIN_CF)) {
      return;
    }
    String ours = Workspace.base().resolve(Workspace.PREFIX).toString();
    edit(dirs -> dirs.removeIf(d -> d.startsWith(ours) && !Files.isDirectory(Path.of(d))));
  }

  private static synchronized void edit(Consumer<Set<String>> change) {
    Path lockFile = Workspace.base().resolve("postwarden-it-alternate-config.lock");
    try (FileChannel ch =
        FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      FileLock lock = ch.lock();
      try {
        editLocked(change);
      } finally {
        lock.release();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot edit " + MAIN_CF, e);
    }
  }

  private static void editLocked(Consumer<Set<String>> change) throws IOException {
    boolean existed = Files.exists(MAIN_CF);
    List<String> lines = existed ? new ArrayList<>(Files.readAllLines(MAIN_CF)) : new ArrayList<>();
    int at = -1;
    for (int i = 0; i < lines.size(); i++) {
      if (PARAM_LINE.matcher(lines.get(i)).matches()) {
        at = i;
      }
    }
    if (at >= 0 && at + 1 < lines.size() && lines.get(at + 1).matches("^\\s+\\S.*")) {
      throw new IllegalStateException(
          MAIN_CF + ": multi-line " + PARAM + " is not supported; edit it by hand");
    }
    Set<String> dirs = new LinkedHashSet<>();
    if (at >= 0) {
      String value = lines.get(at).substring(lines.get(at).indexOf('=') + 1).trim();
      for (String d : value.split("[\\s,]+")) {
        if (!d.isEmpty()) {
          dirs.add(d);
        }
      }
    }
    Set<String> before = new LinkedHashSet<>(dirs);
    change.accept(dirs);
    if (dirs.equals(before)) {
      return; // nothing to do (and never create the file just to record nothing)
    }
    String line = PARAM + " = " + String.join(" ", dirs);
    if (at >= 0) {
      lines.set(at, line);
    } else {
      if (lines.isEmpty()) {
        lines.add(MARKER);
      }
      lines.add(line);
    }
    boolean onlyOurs =
        lines.size() == 2 && lines.get(0).equals(MARKER); // the file we create, nothing added
    if (onlyOurs && dirs.isEmpty()) {
      Files.deleteIfExists(MAIN_CF);
      return;
    }
    Path tmp = MAIN_CF.resolveSibling(".main.cf.postwarden-it.tmp");
    Workspace.writeBackdated(tmp, String.join("\n", lines) + "\n");
    Files.move(tmp, MAIN_CF, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
