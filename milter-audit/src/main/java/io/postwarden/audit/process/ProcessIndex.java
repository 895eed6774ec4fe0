package io.postwarden.audit.process;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which uid each process runs as, kept between lookups so that a lookup reads only the processes of
 * the socket's owner. Listing /proc and stat-ing every process costs milliseconds on a host with a
 * thousand processes; the index is built once, then only processes started since (pids above the
 * last one indexed, up to the kernel's last allocated pid) are added. The owner of /proc/PID is the
 * process's effective uid, even for an undumpable process.
 *
 * <p>Entries are hints, never answers: a process may have exited, its pid been reused, or its uid
 * changed since it was indexed. Callers check what they read now, and {@link #recheck} re-reads the
 * uids. Every method that reads /proc takes a {@link ScanBudget} and stops when it runs out; the
 * work done so far is kept, so an index that one lookup could not finish is finished by the next
 * ones. Safe for concurrent use.
 */
final class ProcessIndex {

  /**
   * Above this many new pids since the last lookup, listing /proc is cheaper than trying each pid.
   */
  static final int MOST_PIDS_TRIED = 2048;

  /**
   * Beyond this many entries (dead threads tried by pid, say) the index is rebuilt from a listing.
   */
  private static final int MOST_ENTRIES = 65_536;

  private static final int GONE = -1;

  private final Path procRoot;
  private final Path lastPidFile;
  private final Map<Long, Integer> uidByPid = new HashMap<>();

  /**
   * Every process with a pid up to this one is indexed, or has exited; -1 until a listing
   * completes.
   */
  private long indexedUpTo = -1;

  ProcessIndex(Path procRoot) {
    this.procRoot = procRoot;
    this.lastPidFile = procRoot.resolve("sys/kernel/ns_last_pid");
  }

  /** The indexed processes of {@code uid}, newest (highest pid) first. */
  synchronized List<Long> pidsOf(int uid) {
    List<Long> pids = new ArrayList<>();
    uidByPid.forEach(
        (pid, owner) -> {
          if (owner == uid) {
            pids.add(pid);
          }
        });
    pids.sort(Comparator.reverseOrder());
    return pids;
  }

  /** Reads the process's uid now and indexes it; -1 if the process has exited. */
  int currentUid(long pid) {
    int uid = ownerUid(procRoot.resolve(Long.toString(pid)));
    synchronized (this) {
      if (uid == GONE) {
        uidByPid.remove(pid);
      } else {
        uidByPid.put(pid, uid);
      }
    }
    return uid;
  }

  /** Indexes the processes started since the last call, within the budget. */
  void addNewProcesses(ScanBudget budget) throws IOException {
    long lastPid = lastAllocatedPid();
    long from;
    synchronized (this) {
      from = indexedUpTo;
      if (uidByPid.size() > MOST_ENTRIES) {
        uidByPid.clear();
        indexedUpTo = from = -1;
      }
    }
    if (from >= 0 && lastPid >= from && lastPid - from <= MOST_PIDS_TRIED) {
      for (long pid = from + 1;
          pid <= lastPid;
          pid++) { // oldest first, so that each lookup carries the index on
        if (!budget.tryStat()) {
          return;
        }
        currentUid(pid);
        advance(pid);
      }
    } else {
      addFromListing(lastPid, budget); // first use, pids wrapped around, or many forks since
    }
  }

  /**
   * Re-reads, newest first, the uid of indexed processes not running as {@code uid} when indexed,
   * and returns those that run as {@code uid} now; within the budget.
   */
  List<Long> recheck(int uid, ScanBudget budget) {
    List<Long> others;
    synchronized (this) {
      others = new ArrayList<>();
      uidByPid.forEach(
          (pid, owner) -> {
            if (owner != uid) {
              others.add(pid);
            }
          });
    }
    others.sort(Comparator.reverseOrder());
    List<Long> changed = new ArrayList<>();
    for (long pid : others) {
      if (!budget.tryStat()) {
        break;
      }
      if (currentUid(pid) == uid) {
        changed.add(pid);
      }
    }
    return changed;
  }

  private void addFromListing(long lastPid, ScanBudget budget) throws IOException {
    List<Long> listed = listProcesses();
    Set<Long> live = new HashSet<>(listed);
    List<Long> unindexed = new ArrayList<>();
    synchronized (this) {
      uidByPid.keySet().retainAll(live);
      for (long pid : listed) {
        if (!uidByPid.containsKey(pid)) {
          unindexed.add(pid);
        }
      }
    }
    unindexed.sort(Comparator.reverseOrder());
    for (long pid : unindexed) {
      if (!budget.tryStat()) {
        return;
      }
      currentUid(pid);
    }
    if (lastPid >= 0) {
      synchronized (this) {
        indexedUpTo = lastPid;
      }
    }
  }

  private synchronized void advance(long pid) {
    if (indexedUpTo == pid - 1) { // unless another lookup has moved it meanwhile
      indexedUpTo = pid;
    }
  }

  /**
   * The pid the kernel allocated last in this pid namespace; -1 if unknown (no such file: list
   * every time).
   */
  private long lastAllocatedPid() {
    // One read() of the whole value: a sysctl file answers a read past its start with nothing, so
    // the way
    // Files.readAllBytes reads a file that reports size 0 (one byte, then the rest) would get the
    // first digit only.
    try (InputStream in = Files.newInputStream(lastPidFile)) {
      byte[] buffer = new byte[32];
      int length = in.read(buffer);
      return Long.parseLong(
          new String(buffer, 0, Math.max(length, 0), StandardCharsets.US_ASCII).trim());
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
  }

  private List<Long> listProcesses() throws IOException {
    List<Long> pids = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(procRoot)) {
      for (Path entry : entries) {
        long pid = pidOf(entry.getFileName().toString());
        if (pid >= 0) {
          pids.add(pid);
        }
      }
    }
    return pids;
  }

  /**
   * The pid a /proc entry stands for, or -1 for entries that are not processes ("net", "self",
   * ...).
   */
  private static long pidOf(String name) {
    if (name.isEmpty() || name.length() > 18) {
      return -1;
    }
    long pid = 0;
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      pid = pid * 10 + (c - '0');
    }
    return pid;
  }

  private static int ownerUid(Path process) {
    try {
      return (Integer) Files.getAttribute(process, "unix:uid", LinkOption.NOFOLLOW_LINKS);
    } catch (IOException exited) {
      return GONE;
    }
  }
}
