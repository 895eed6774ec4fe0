package io.postwarden.audit.process;

import io.postwarden.core.bounded.LruMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The last few processes found holding a client socket, per uid, newest first, each with the fds it
 * held them at: where the next search for that uid looks first. A pid found again keeps its place,
 * so workers that take turns (a PHP-FPM pool) are each found after half the list on average, not
 * all of it. Only an order: a pid that exited, or was reused, is read and found not to hold the
 * socket like any other. Bounded: {@value #PER_UID} holders for each of the {@value #UIDS} uids
 * used last, {@value #FDS_PER_HOLDER} fds each.
 */
final class RecentHolders {

  static final int PER_UID = 4;
  static final int UIDS = 1024;
  static final int FDS_PER_HOLDER = 16;

  /**
   * A process and the fds it held its last client sockets at, the one found longest ago first. A
   * client gets the lowest free fd for each connection: a worker that sends one message at a time
   * gets the same fd each time, and one that keeps several connections open gets the fd of the one
   * that closed, usually the oldest.
   */
  record Holder(long pid, List<Integer> fds) {
    Holder {
      fds = List.copyOf(fds);
      if (fds.isEmpty()) {
        throw new IllegalArgumentException("a holder was found at an fd");
      }
    }

    /**
     * The fd it held its last client socket at: where a client that sends one message at a time
     * holds its next one.
     */
    int newestFd() {
      return fds.get(fds.size() - 1);
    }

    /**
     * The other fds, the one found longest ago first: a client that keeps several connections open
     * reuses the fd of the one that closed.
     */
    List<Integer> olderFds() {
      return fds.subList(0, fds.size() - 1);
    }

    /** The same process, having held a client socket at {@code fd} just now. */
    Holder foundAt(int fd) {
      List<Integer> updated = new ArrayList<>(fds);
      updated.remove(Integer.valueOf(fd));
      updated.add(fd);
      return new Holder(
          pid, updated.subList(Math.max(0, updated.size() - FDS_PER_HOLDER), updated.size()));
    }
  }

  private final Map<Integer, List<Holder>> byUid = new LruMap<>(UIDS);

  synchronized List<Holder> of(int uid) {
    List<Holder> holders = byUid.get(uid);
    return holders == null ? List.of() : List.copyOf(holders);
  }

  synchronized void found(int uid, long pid, int fd) {
    List<Holder> holders = byUid.computeIfAbsent(uid, u -> new ArrayList<>(PER_UID + 1));
    for (int i = 0; i < holders.size(); i++) {
      if (holders.get(i).pid() == pid) {
        holders.set(i, holders.get(i).foundAt(fd));
        return;
      }
    }
    holders.add(0, new Holder(pid, List.of(fd)));
    if (holders.size() > PER_UID) {
      holders.remove(PER_UID);
    }
  }
}
