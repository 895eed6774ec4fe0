package io.postwarden.audit.process;

import java.util.List;
import java.util.Objects;

/**
 * A process that held a client socket, as read from /proc.
 *
 * @param uid the effective uid
 * @param user the uid's name in the passwd file, or null if it has none
 * @param executable the /proc/PID/exe link target, with the kernel's " (deleted)" suffix if the
 *     file was deleted or replaced after the process started
 * @param commandLine the arguments, at most {@link ProcessFactsReader#COMMAND_LINE_LIMIT} bytes in
 *     all
 * @param commandLineTruncated whether arguments were cut off at that limit
 * @param unit the systemd unit ("php8.2-fpm.service"), the container ("docker:ID", "lxc:NAME", ...)
 *     or, failing both, the raw cgroup path; see {@link CgroupOrigin}
 * @param workingDirectory the /proc/PID/cwd link target (for PHP, the directory of the script that
 *     runs), at most {@link ProcessFactsReader#WORKING_DIRECTORY_LIMIT} characters; null when it
 *     could not be read
 * @param workingDirectoryTruncated whether it was cut off at that limit
 */
public record PeerProcess(
    long pid,
    int uid,
    String user,
    String executable,
    List<String> commandLine,
    boolean commandLineTruncated,
    String unit,
    String workingDirectory,
    boolean workingDirectoryTruncated) {
  public PeerProcess {
    Objects.requireNonNull(executable, "executable");
    commandLine = List.copyOf(commandLine);
    Objects.requireNonNull(unit, "unit");
  }

  /** A process whose working directory is not known. */
  public PeerProcess(
      long pid,
      int uid,
      String user,
      String executable,
      List<String> commandLine,
      boolean commandLineTruncated,
      String unit) {
    this(pid, uid, user, executable, commandLine, commandLineTruncated, unit, null, false);
  }

  /** The same process with its command line replaced (redacted). */
  public PeerProcess withCommandLine(List<String> replaced) {
    return new PeerProcess(
        pid,
        uid,
        user,
        executable,
        replaced,
        commandLineTruncated,
        unit,
        workingDirectory,
        workingDirectoryTruncated);
  }
}
