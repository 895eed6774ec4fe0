package io.postwarden.audit.process;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

class RecentHoldersTest {

  private final RecentHolders holders = new RecentHolders();

  @Test
  void newHoldersComeFirstAndOneFoundAgainKeepsItsPlace() {
    holders.found(33, 100);
    holders.found(33, 101);
    holders.found(33, 100);
    assertEquals(List.of(101L, 100L), holders.of(33));
    assertEquals(List.of(), holders.of(34), "another uid's history is not shared");
  }

  @Test
  void keepsAFewHoldersForEachOfTheUidsUsedLast() {
    for (long pid = 1; pid <= RecentHolders.PER_UID + 1; pid++) {
      holders.found(33, pid);
    }
    assertEquals(List.of(5L, 4L, 3L, 2L), holders.of(33));
    for (int uid = 1000; uid < 1000 + RecentHolders.UIDS; uid++) {
      holders.found(uid, uid);
    }
    assertEquals(List.of(), holders.of(33), "the uid used longest ago made room");
    assertEquals(List.of(1000L), holders.of(1000));
  }
}
