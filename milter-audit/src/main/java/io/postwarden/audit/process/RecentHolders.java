package io.postwarden.audit.process;

import io.postwarden.core.bounded.LruMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The last few processes found holding a client socket, per uid, newest first: where the next
 * search for that uid looks first. A pid found again keeps its place, so workers that take turns (a
 * PHP-FPM pool) are each found after half the list on average, not all of it. Only an order: a pid
 * that exited, or was reused, is read and found not to hold the socket like any other. Bounded:
 * {@value #PER_UID} pids for each of the {@value #UIDS} uids used last.
 */
final class RecentHolders {

  static final int PER_UID = 4;
  static final int UIDS = 1024;

  private final Map<Integer, List<Long>> byUid = new LruMap<>(UIDS);

  synchronized List<Long> of(int uid) {
    List<Long> pids = byUid.get(uid);
    return pids == null ? List.of() : List.copyOf(pids);
  }

  synchronized void found(int uid, long pid) {
    List<Long> pids = byUid.computeIfAbsent(uid, u -> new ArrayList<>(PER_UID + 1));
    if (pids.contains(pid)) {
      return;
    }
    pids.add(0, pid);
    if (pids.size() > PER_UID) {
      pids.remove(PER_UID);
    }
  }
}
