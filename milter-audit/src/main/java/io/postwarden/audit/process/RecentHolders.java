package io.postwarden.audit.process;

import io.postwarden.core.bounded.LruMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The last few processes found holding a client socket, per uid, newest first, each with the fd
 * number it held it at: where the next search for that uid looks first. A pid found again keeps its
 * place, so workers that take turns (a PHP-FPM pool) are each found after half the list on average,
 * not all of it; its fd number is updated. Only an order: a pid that exited, or was reused, is read
 * and found not to hold the socket like any other. Bounded: {@value #PER_UID} holders for each of
 * the {@value #UIDS} uids used last.
 */
final class RecentHolders {

  static final int PER_UID = 4;
  static final int UIDS = 1024;

  /**
   * A process and the fd it last held a client socket at. A worker that opens one connection per
   * message gets the lowest free fd each time, usually the same number.
   */
  record Holder(long pid, int fd) {}

  private final Map<Integer, List<Holder>> byUid = new LruMap<>(UIDS);

  synchronized List<Holder> of(int uid) {
    List<Holder> holders = byUid.get(uid);
    return holders == null ? List.of() : List.copyOf(holders);
  }

  synchronized void found(int uid, long pid, int fd) {
    List<Holder> holders = byUid.computeIfAbsent(uid, u -> new ArrayList<>(PER_UID + 1));
    for (int i = 0; i < holders.size(); i++) {
      if (holders.get(i).pid() == pid) {
        holders.set(i, new Holder(pid, fd));
        return;
      }
    }
    holders.add(0, new Holder(pid, fd));
    if (holders.size() > PER_UID) {
      holders.remove(PER_UID);
    }
  }
}
