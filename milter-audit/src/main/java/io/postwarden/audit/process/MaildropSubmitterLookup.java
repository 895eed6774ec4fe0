package io.postwarden.audit.process;

import io.postwarden.core.policy.MilterLink;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds the Unix user behind a sendmail(1) submission. The milter session of such mail comes from
 * Postfix's cleanup (named by the kernel on a unix-socket listener, found through its TCP end
 * otherwise); its parent is the Postfix master; that master's pickup process holds the maildrop
 * file open until cleanup (and so the milter) has finished, and the file belongs to the submitting
 * user. Every step is read from /proc (root, or CAP_SYS_PTRACE plus CAP_DAC_READ_SEARCH); any step
 * that fails gives no answer, never a guess.
 */
public final class MaildropSubmitterLookup {

  private final Path procRoot;
  private final PasswdFile passwd;
  private final PeerProcessLookup peers;

  public MaildropSubmitterLookup(Path procRoot, Path passwdFile, PeerProcessLookup peers) {
    this.procRoot = procRoot;
    this.passwd = new PasswdFile(passwdFile);
    this.peers = peers;
  }

  /**
   * @param link the non_smtpd milter connection, which cleanup opened
   */
  public Optional<Submitter> lookup(MilterLink link) {
    if (link.peerCredentials().isPresent()) {
      return submitterOf(link.peerCredentials().get().pid());
    }
    if (link.mta() instanceof InetSocketAddress cleanupEnd
        && link.listener() instanceof InetSocketAddress listener
        && peers.lookup(cleanupEnd, listener) instanceof PeerLookupResult.Found cleanup) {
      return submitterOf(cleanup.process().pid());
    }
    return Optional.empty();
  }

  private Optional<Submitter> submitterOf(long cleanupPid) {
    try {
      Optional<Long> master = parentOf(cleanupPid);
      if (master.isEmpty()) {
        return Optional.empty();
      }
      try (DirectoryStream<Path> processes =
          Files.newDirectoryStream(procRoot, MaildropSubmitterLookup::isPid)) {
        for (Path process : processes) {
          Optional<Submitter> submitter = pickupSubmitter(process, master.get());
          if (submitter.isPresent()) {
            return submitter;
          }
        }
      }
    } catch (IOException e) {
      return Optional.empty();
    }
    return Optional.empty();
  }

  private Optional<Submitter> pickupSubmitter(Path process, long master) {
    try {
      Optional<Stat> stat = stat(process);
      if (stat.isEmpty()
          || stat.get().parent() != master
          || !stat.get().command().equals("pickup")) {
        return Optional.empty();
      }
      try (DirectoryStream<Path> descriptors = Files.newDirectoryStream(process.resolve("fd"))) {
        for (Path descriptor : descriptors) {
          String target = Files.readSymbolicLink(descriptor).toString();
          if (target.contains("/maildrop/")) {
            // stat through the descriptor: the open file itself, even if renamed meanwhile
            int uid = (Integer) Files.getAttribute(descriptor, "unix:uid");
            return Optional.of(new Submitter(uid, passwd.userName(uid), target));
          }
        }
      }
    } catch (IOException | RuntimeException vanishedOrDenied) {
      return Optional.empty();
    }
    return Optional.empty();
  }

  private Optional<Long> parentOf(long pid) throws IOException {
    return stat(procRoot.resolve(Long.toString(pid))).map(Stat::parent);
  }

  private record Stat(String command, long parent) {}

  /**
   * /proc/PID/stat: "pid (comm) state ppid …"; comm may hold spaces and parentheses, so split at
   * the last ')'.
   */
  private static Optional<Stat> stat(Path process) throws IOException {
    String text;
    try {
      text = new String(Files.readAllBytes(process.resolve("stat")), StandardCharsets.ISO_8859_1);
    } catch (java.nio.file.NoSuchFileException gone) {
      return Optional.empty();
    }
    int open = text.indexOf('(');
    int close = text.lastIndexOf(')');
    if (open < 0 || close < open) {
      return Optional.empty();
    }
    String[] rest = text.substring(close + 2).split(" ");
    return Optional.of(new Stat(text.substring(open + 1, close), Long.parseLong(rest[1])));
  }

  private static boolean isPid(Path path) {
    String name = path.getFileName().toString();
    return !name.isEmpty() && name.chars().allMatch(Character::isDigit);
  }
}
