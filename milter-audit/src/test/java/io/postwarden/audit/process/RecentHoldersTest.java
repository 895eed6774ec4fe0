package io.postwarden.audit.process;

import static org.junit.jupiter.api.Assertions.*;

import io.postwarden.audit.process.RecentHolders.Holder;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecentHoldersTest {

  private final RecentHolders holders = new RecentHolders();

  @Test
  void newHoldersComeFirstAndOneFoundAgainKeepsItsPlaceWithItsNewFd() {
    holders.found(33, 100, 5);
    holders.found(33, 101, 5);
    holders.found(33, 100, 7);
    assertEquals(List.of(new Holder(101, 5), new Holder(100, 7)), holders.of(33));
    assertEquals(List.of(), holders.of(34), "another uid's history is not shared");
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
    assertEquals(List.of(new Holder(1000, 3)), holders.of(1000));
  }
}
