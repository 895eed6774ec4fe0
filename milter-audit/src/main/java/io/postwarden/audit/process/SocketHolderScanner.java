package io.postwarden.audit.process;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Finds the process that holds a socket, by reading the /proc/PID/fd links, which name a socket
 * "socket:[INODE]".
 *
 * <p>The kernel keeps no index from a socket to its processes. Only processes running as the
 * socket's owner are read: the holder runs as the user that created the socket, unless it changed
 * user since or was handed the socket. They are found through a {@link ProcessIndex}, in this
 * order, stopping at the first holder:
 *
 * <ol>
 *   <li>the owner's recent holders, each at the fd it held its last client socket at: one link
 *       each, no listing (a client gets the lowest free fd, so a worker that opens a connection per
 *       message usually holds the next one at the same fd);
 *   <li>the owner's recent holders, all their fds, the older fds each held client sockets at first,
 *       the oldest first (a client that keeps several connections open gets the fd of the one that
 *       closed): the last few processes of that uid found holding a client socket (a PHP-FPM worker
 *       sends for days, and is often the oldest of its uid);
 *   <li>the owner's indexed processes, newest first;
 *   <li>the owner's processes started since the last lookup;
 *   <li>processes that were indexed under another uid and run as the owner now.
 * </ol>
 *
 * The recent holders only decide the order: every answer is what the fd links say now, and a uid's
 * history orders only that uid's lookups. Each lookup is bounded by {@link ScanLimits}; past them
 * the holder is unknown.
 *
 * <p>Reading another user's fd directory needs root, or CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH.
 * Directories that could not be read are counted, so that a miss can be told apart from a lack of
 * permission. Processes that exit during the scan are skipped.
 */
final class SocketHolderScanner {

  /**
   * The first process found holding the socket, how many processes' fds could not be read, and the
   * limit that stopped the search if one did (null otherwise).
   */
  record Outcome(OptionalLong holder, int unreadableProcesses, String exhaustedLimit) {}

  private static final int NOT_HELD = -1;

  /** A process holding the socket, and the fd it holds it at. */
  private record Found(long pid, int fd) {}

  private final Path procRoot;
  private final ProcessIndex index;
  private final ScanLimits limits;
  private final LongSupplier nanoClock;
  private final RecentHolders recentHolders = new RecentHolders();

  SocketHolderScanner(Path procRoot, ScanLimits limits, LongSupplier nanoClock) {
    this.procRoot = procRoot;
    this.index = new ProcessIndex(procRoot);
    this.limits = limits;
    this.nanoClock = nanoClock;
  }

  /**
   * Indexes every process now, so that the first lookups need not; takes milliseconds per thousand
   * processes.
   */
  void indexProcesses() throws IOException {
    index.addNewProcesses(new ScanBudget(ScanLimits.NONE, nanoClock));
  }

  Outcome find(long inode, int ownerUid) throws IOException {
    Scan scan =
        new Scan(
            procRoot.getFileSystem().getPath("socket:[" + inode + "]"),
            new ScanBudget(limits, nanoClock),
            recentHolders.of(ownerUid));
    Set<Long> examined = new HashSet<>();
    Found holder = scan.atNewestFds(ownerUid);
    if (holder == null && scan.budget.exhausted() == null) {
      holder = scan.first(List.copyOf(scan.remembered.keySet()), ownerUid, examined);
    }
    if (holder == null && scan.budget.exhausted() == null) {
      holder = scan.first(index.pidsOf(ownerUid), ownerUid, examined);
    }
    if (holder == null && scan.budget.exhausted() == null) {
      index.addNewProcesses(scan.budget);
      holder = scan.first(index.pidsOf(ownerUid), ownerUid, examined);
    }
    if (holder == null && scan.budget.exhausted() == null) {
      holder = scan.first(index.recheck(ownerUid, scan.budget), ownerUid, examined);
    }
    if (holder == null) {
      return new Outcome(OptionalLong.empty(), scan.unreadable, scan.budget.exhausted());
    }
    recentHolders.found(ownerUid, holder.pid(), holder.fd());
    return new Outcome(OptionalLong.of(holder.pid()), scan.unreadable, null);
  }

  /** One search for one socket link. */
  private final class Scan {
    private final Path socketLink;
    private final ScanBudget budget;

    /** The owner's recent holders by pid, the newest first. */
    private final Map<Long, RecentHolders.Holder> remembered = new LinkedHashMap<>();

    private int unreadable;

    Scan(Path socketLink, ScanBudget budget, List<RecentHolders.Holder> recent) {
      this.socketLink = socketLink;
      this.budget = budget;
      for (RecentHolders.Holder holder : recent) {
        remembered.put(holder.pid(), holder);
      }
    }

    /**
     * The first recent holder that runs as {@code uid} and holds the socket at its {@linkplain
     * RecentHolders.Holder#newestFd newest fd}, or null. One link per holder, no listing.
     */
    Found atNewestFds(int uid) {
      for (RecentHolders.Holder holder : remembered.values()) {
        if (!budget.tryStat() || index.currentUid(holder.pid()) != uid) {
          continue;
        }
        if (!budget.tryFd()) {
          return null;
        }
        try {
          if (linksToSocket(procRoot.resolve(holder.pid() + "/fd/" + holder.newestFd()))) {
            return new Found(holder.pid(), holder.newestFd());
          }
        } catch (AccessDeniedException e) {
          // counted when the full scan of this process is denied too
        }
      }
      return null;
    }

    /**
     * The first of {@code pids} not examined yet that runs as {@code uid} and holds the socket,
     * with the fd it holds it at; null if none does.
     */
    Found first(List<Long> pids, int uid, Set<Long> examined) {
      for (long pid : pids) {
        if (!examined.add(pid)) {
          continue;
        }
        if (!budget.tryStat()) {
          return null;
        }
        if (index.currentUid(pid) == uid) {
          int fd = fdHoldingSocket(pid);
          if (fd != NOT_HELD) {
            return new Found(pid, fd);
          }
        }
        if (budget.exhausted() != null) {
          return null;
        }
      }
      return null;
    }

    /**
     * The fd at which {@code pid} holds the socket, or {@link #NOT_HELD}. The fds of a recent
     * holder are read in the order its memory suggests; the others in the kernel's order.
     */
    private int fdHoldingSocket(long pid) {
      if (!budget.tryProcess()) {
        return NOT_HELD;
      }
      Path fdDirectory = procRoot.resolve(pid + "/fd");
      try (DirectoryStream<Path> fds = Files.newDirectoryStream(fdDirectory)) {
        for (int fd : readingOrder(fds, remembered.get(pid))) {
          if (!budget.tryFd()) {
            return NOT_HELD;
          }
          if (linksToSocket(fdDirectory.resolve(Integer.toString(fd)))) {
            return fd;
          }
        }
        return NOT_HELD;
      } catch (
          AccessDeniedException e) { // listing needs CAP_DAC_READ_SEARCH, the links CAP_SYS_PTRACE
        unreadable++;
        return NOT_HELD;
      } catch (IOException | DirectoryIteratorException exited) {
        return NOT_HELD;
      }
    }

    /**
     * The listed fds, as numbers: in the kernel's order, or for a recent holder with its
     * {@linkplain RecentHolders.Holder#olderFds older remembered ones} first and without its
     * newest, read already (remembered fds it has closed since cost nothing). Lists one fd more
     * than the budget lets the scan read, so that a longer table still ends the scan at its limit.
     */
    private int[] readingOrder(DirectoryStream<Path> fds, RecentHolders.Holder holder) {
      int readAlready = holder == null ? NOT_HELD : holder.newestFd();
      int most = Math.min(budget.fdsLeft(), Integer.MAX_VALUE - 1) + 1;
      int[] listed = new int[Math.min(64, most)];
      int count = 0;
      for (Path link : fds) {
        int fd = Integer.parseInt(link.getFileName().toString());
        if (fd == readAlready) {
          continue;
        }
        if (count == most) {
          break;
        }
        if (count == listed.length) {
          listed = Arrays.copyOf(listed, (int) Math.min(most, 2L * count));
        }
        listed[count++] = fd;
      }
      if (holder == null) {
        return Arrays.copyOf(listed, count);
      }
      int[] order = new int[count];
      int next = 0;
      for (int fd : holder.olderFds()) {
        if (take(listed, count, fd)) {
          order[next++] = fd;
        }
      }
      for (int i = 0; i < count; i++) {
        if (listed[i] != NOT_HELD) {
          order[next++] = listed[i];
        }
      }
      return order;
    }

    /** Whether {@code fd} is among the first {@code count} of {@code listed}; marks it taken. */
    private static boolean take(int[] listed, int count, int fd) {
      for (int i = 0; i < count; i++) {
        if (listed[i] == fd) {
          listed[i] = NOT_HELD;
          return true;
        }
      }
      return false;
    }

    private boolean linksToSocket(Path fd) throws AccessDeniedException {
      try {
        return Files.readSymbolicLink(fd).equals(socketLink);
      } catch (AccessDeniedException e) {
        throw e;
      } catch (IOException closedMeanwhile) {
        return false;
      }
    }
  }
}
