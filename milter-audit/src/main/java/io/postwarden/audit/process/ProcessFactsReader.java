package io.postwarden.audit.process;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Describes a process from /proc/PID: uid, executable, command line, cgroup and working directory.
 * Reading the executable and cwd links needs the same permission as reading the fd links; the other
 * files are world-readable. A process that exits while it is being read makes {@link #read} fail,
 * rather than return half a description.
 */
final class ProcessFactsReader {

  /**
   * The most command-line bytes kept; arguments past it are cut and the command line marked
   * truncated.
   */
  static final int COMMAND_LINE_LIMIT = 4096;

  /**
   * The most working-directory characters kept. A site chooses its own directory names, up to
   * PATH_MAX (4096) bytes; a real document root is far shorter, and what identifies it comes first.
   */
  static final int WORKING_DIRECTORY_LIMIT = 1024;

  private static final String UID_LINE = "\nUid:";
  private static final String TGID_LINE = "\nTgid:";

  private final Path procRoot;
  private final PasswdFile passwd;

  ProcessFactsReader(Path procRoot, PasswdFile passwd) {
    this.procRoot = procRoot;
    this.passwd = passwd;
  }

  /**
   * @param pid a process, or one of its threads: the thread's directory gives the same answers, and
   *     its status names the process
   */
  PeerProcess read(long pid) throws IOException {
    Path process = procRoot.resolve(Long.toString(pid));
    String status = Files.readString(process.resolve("status"), StandardCharsets.ISO_8859_1);
    int uid = effectiveUid(status, process);
    String executable = Files.readSymbolicLink(process.resolve("exe")).toString();
    byte[] commandLine = readAtMost(process.resolve("cmdline"), COMMAND_LINE_LIMIT + 1);
    boolean truncated = commandLine.length > COMMAND_LINE_LIMIT;
    String unit =
        CgroupOrigin.describe(
            new String(Files.readAllBytes(process.resolve("cgroup")), StandardCharsets.UTF_8));
    String workingDirectory = workingDirectory(process);
    boolean cut = workingDirectory != null && workingDirectory.length() > WORKING_DIRECTORY_LIMIT;
    return new PeerProcess(
        processId(status, pid),
        uid,
        passwd.userName(uid),
        executable,
        arguments(commandLine, Math.min(commandLine.length, COMMAND_LINE_LIMIT)),
        truncated,
        unit,
        cut ? workingDirectory.substring(0, WORKING_DIRECTORY_LIMIT) : workingDirectory,
        cut);
  }

  /**
   * The cwd link, with the kernel's " (deleted)" suffix for a removed directory; null when it
   * cannot be read (the process exited, no permission, a path beyond PATH_MAX): the rest of the
   * description stands without it.
   */
  private static String workingDirectory(Path process) {
    try {
      return Files.readSymbolicLink(process.resolve("cwd")).toString();
    } catch (IOException | SecurityException unreadable) {
      return null;
    }
  }

  /**
   * The effective uid: the second number of the status file's "Uid:" line (real, effective, saved,
   * fs).
   */
  private static int effectiveUid(String status, Path process) throws IOException {
    String ids = field(status, UID_LINE);
    if (ids == null) {
      throw new IOException(process.resolve("status") + " has no Uid: line");
    }
    return Integer.parseUnsignedInt(ids.split("\\s+")[1]);
  }

  /**
   * The thread group id, which is the process's pid; {@code pid} itself if the status file does not
   * say.
   */
  private static long processId(String status, long pid) {
    String tgid = field(status, TGID_LINE);
    return tgid == null ? pid : Long.parseLong(tgid);
  }

  /** The value of a status line, trimmed; null if there is no such line. */
  private static String field(String status, String line) {
    int start = status.indexOf(line);
    if (start < 0) {
      return null;
    }
    int end = status.indexOf('\n', start + 1);
    return status.substring(start + line.length(), end < 0 ? status.length() : end).trim();
  }

  private static byte[] readAtMost(Path file, int limit) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return in.readNBytes(limit);
    }
  }

  /**
   * Splits the kernel's NUL-terminated arguments, keeping empty ones; a cut-off last argument is
   * kept as is.
   */
  private static List<String> arguments(byte[] commandLine, int length) {
    List<String> arguments = new ArrayList<>();
    if (length == 0) {
      return arguments; // kernel threads and zombies have no command line
    }
    int end = commandLine[length - 1] == 0 ? length - 1 : length;
    int start = 0;
    for (int i = 0; i <= end; i++) {
      if (i == end || commandLine[i] == 0) {
        arguments.add(new String(commandLine, start, i - start, StandardCharsets.UTF_8));
        start = i + 1;
      }
    }
    return arguments;
  }
}
