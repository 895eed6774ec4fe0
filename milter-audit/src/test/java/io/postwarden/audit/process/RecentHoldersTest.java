package io.postwarden.audit.process;

import static org.junit.jupiter.api.Assertions.*;

import io.postwarden.audit.process.RecentHolders.Holder;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RecentHoldersTest {

  private final RecentHolders holders = new RecentHolders();

  @Test
  void newHoldersComeFirstAndOneFoundAgainKeepsItsPlace() {
    holders.found(33, 100, 5);
    holders.found(33, 101, 5);
    holders.found(33, 100, 7);
    assertEquals(
        List.of(new Holder(101, List.of(5)), new Holder(100, List.of(5, 7))), holders.of(33));
    assertEquals(List.of(), holders.of(34), "another uid's history is not shared");
  }

  @Test
  void aHoldersFdsComeTheOneFoundLongestAgoFirst() {
    holders.found(33, 100, 5);
    holders.found(33, 100, 6);
    holders.found(33, 100, 5);
    assertEquals(List.of(new Holder(100, List.of(6, 5))), holders.of(33));
    for (int fd = 10; fd < 10 + RecentHolders.FDS_PER_HOLDER; fd++) {
      holders.found(33, 100, fd);
    }
    assertEquals(
        IntStream.range(10, 10 + RecentHolders.FDS_PER_HOLDER).boxed().toList(),
        holders.of(33).get(0).fds(),
        "the oldest made room");
  }

  @Test
  void aHoldersNewestFdAndItsOlderOnesOldestFirst() {
    for (int fd : List.of(3, 4, 5, 6)) {
      holders.found(33, 100, fd);
    }
    Holder holder = holders.of(33).get(0);
    assertEquals(6, holder.newestFd());
    assertEquals(List.of(3, 4, 5), holder.olderFds());
  }

  @Test
  void keepsAFewHoldersForEachOfTheUidsUsedLast() {
    for (long pid = 1; pid <= RecentHolders.PER_UID + 1; pid++) {
      holders.found(33, pid, 3);
    }
    assertEquals(List.of(5L, 4L, 3L, 2L), holders.of(33).stream().map(Holder::pid).toList());
    for (int uid = 1000; uid < 1000 + RecentHolders.UIDS; uid++) {
      holders.found(uid, uid, 3);
    }
    assertEquals(List.of(), holders.of(33), "the uid used longest ago made room");
    assertEquals(List.of(new Holder(1000, List.of(3))), holders.of(1000));
  }
}
